# dasim as a static binary on an empty image.
#   docker build -t dasim .
#   docker run --rm --network host dasim serve      # listeners are on loopback: share the host's
# The build stage's go build line is run by cmd/dasim/dockerfile_test.go, where no Docker daemon is.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/dasim ./cmd/dasim
# serve writes its CA and identities to the temp dir; the empty image has none.
RUN mkdir -p /out/tmp && chmod 1777 /out/tmp

FROM scratch
COPY --from=build /out/dasim /dasim
COPY --from=build /out/tmp /tmp
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
USER 65532:65532
ENTRYPOINT ["/dasim"]
CMD ["serve"]
