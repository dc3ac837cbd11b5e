package presentation

import (
	"path"
	"strings"

	"escalation-bot/bot"
)

// An owner's file is uploaded into a case thread under its own name with a tag before the
// extension ("photo.3f2a9c1e.jpg"): the start of the change's ref, or of the file's id for a
// delivery without a key. The tag is unique in the thread, so a retried upload finds the
// earlier one and erasure finds the uploads of a change.

// tagLen is how many characters of a ref or an id a tag keeps.
const tagLen = 8

// FileTag is the tag of what the delivery key's change uploads; id (the file's) stands in for
// a key without a ref.
func FileTag(key, id string) string {
	tag := bot.DeliveryRef(key)
	if tag == "" {
		tag = id
	}
	return tag[:min(tagLen, len(tag))]
}

// UploadName is the name file a is uploaded under by the delivery with key.
func UploadName(a bot.Attachment, key string) string {
	ext := path.Ext(a.Name)
	return strings.TrimSuffix(a.Name, ext) + "." + FileTag(key, a.ID) + ext
}

// UploadTag is the tag UploadName put in a name: before the extension, or last for a name
// that had none.
func UploadTag(name string) string {
	ext := path.Ext(name)
	base := strings.TrimSuffix(name, ext)
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		return base[i+1:]
	}
	return strings.TrimPrefix(ext, ".")
}
