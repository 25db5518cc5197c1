package objectstore

import (
	"io/fs"
	"time"

	"github.com/johannesboyne/gofakes3"
)

func modTime(h diskHeader, info fs.FileInfo) time.Time {
	if h.Modified != 0 {
		return time.Unix(0, h.Modified).UTC()
	}
	if info != nil {
		return info.ModTime()
	}
	return time.Time{}
}

// pageOf applies S3's listing rules to items sorted by key: the prefix and
// delimiter (common prefixes counted once), the marker and MaxKeys.
func pageOf(items []gofakes3.Content, prefix *gofakes3.Prefix, page gofakes3.ListBucketPage) *gofakes3.ObjectList {
	if prefix == nil {
		prefix = &gofakes3.Prefix{}
	}
	out := gofakes3.NewObjectList()
	var match gofakes3.PrefixMatch
	var lastPrefix string
	var count int64
	for i := range items {
		item := items[i]
		if page.Marker != "" && item.Key <= page.Marker {
			continue
		}
		if !prefix.Match(item.Key, &match) {
			continue
		}
		if page.MaxKeys > 0 && count >= page.MaxKeys {
			out.IsTruncated = true
			break
		}
		if match.CommonPrefix {
			if match.MatchedPart == lastPrefix {
				continue
			}
			out.AddPrefix(match.MatchedPart)
			lastPrefix = match.MatchedPart
		} else {
			out.Add(&item)
		}
		out.NextMarker = item.Key
		count++
	}
	if !out.IsTruncated {
		out.NextMarker = ""
	}
	return out
}
