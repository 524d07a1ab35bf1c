package discordtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"regexp"
	"strconv"
)

// Limits of uploads, as Discord's docs give them ("Uploading Files"): at
// most 10 files a message, and 10 MiB a file for a bot in a server
// without boosts.
const (
	MaxFiles    = 10
	MaxFileSize = 10 << 20
	// maxBody is the largest request body the fake reads.
	maxBody = MaxFiles*MaxFileSize + 1<<20
)

// Attachment is a file the bot uploaded with a message or an interaction
// response (multipart/form-data, a files[n] part).
type Attachment struct {
	ID          int    // n of files[n]
	Filename    string // the part's filename (or the attachments entry's)
	ContentType string // the part's Content-Type
	Description string // from the payload's attachments entry, if any
	Data        []byte
}

// upload is a parsed multipart request: its JSON body and its files.
type upload struct {
	json  []byte
	files []Attachment
}

var filesField = regexp.MustCompile(`^files\[(\d+)\]$`)

// parseMultipart reads a multipart/form-data body as Discord's docs
// describe it: the JSON body in a part named payload_json, each file in a
// part named files[n] with a filename, and optionally, in the JSON, an
// attachments array whose entries' ids name those n (with a filename and a
// description). The body, boundary and every part must be well formed; a
// files[n] without a filename, the same n twice, an attachments id with no
// files[n], an unknown part or more than MaxFiles files fail with a 400
// reply, a file over MaxFileSize with a 413, as Discord answers.
func parseMultipart(contentType string, body []byte) (upload, *restReply) {
	bad := func(msg string) (upload, *restReply) {
		return upload{}, &restReply{status: http.StatusBadRequest, body: errorBody(50035, "Invalid Form Body: "+msg)}
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil || params["boundary"] == "" {
		return bad("multipart/form-data without a boundary")
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var up upload
	seen := map[int]bool{}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return bad("malformed multipart body: " + err.Error())
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return bad("malformed multipart part: " + err.Error())
		}
		name := p.FormName()
		switch m := filesField.FindStringSubmatch(name); {
		case name == "payload_json":
			if up.json != nil {
				return bad("payload_json: given twice")
			}
			if !json.Valid(data) {
				return upload{}, &restReply{status: http.StatusBadRequest, body: errorBody(50109, "The request body contains invalid JSON.")}
			}
			up.json = data
		case m != nil:
			n, err := strconv.Atoi(m[1])
			if err != nil || seen[n] {
				return bad(name + ": duplicate or invalid file index")
			}
			if p.FileName() == "" {
				return bad(name + ": a file part needs a filename")
			}
			if len(data) > MaxFileSize {
				return upload{}, &restReply{status: http.StatusRequestEntityTooLarge, body: errorBody(40005, "Request entity too large")}
			}
			seen[n] = true
			up.files = append(up.files, Attachment{ID: n, Filename: p.FileName(), ContentType: p.Header.Get("Content-Type"), Data: data})
		default:
			return bad(fmt.Sprintf("unexpected form field %q", name))
		}
	}
	if up.json == nil && len(up.files) == 0 {
		return bad("multipart body without parts")
	}
	if len(up.files) > MaxFiles {
		return bad(fmt.Sprintf("files: Must be %d or fewer in length.", MaxFiles))
	}
	if up.json == nil {
		up.json = []byte("{}")
	}
	if msg := applyAttachments(&up); msg != "" {
		return bad(msg)
	}
	return up, nil
}

// applyAttachments checks the attachments metadata of the payload (at its
// top level, or in data for an interaction callback) against the files,
// taking their filenames and descriptions.
func applyAttachments(up *upload) string {
	var body struct {
		Attachments []attachmentMeta `json:"attachments"`
		Data        *struct {
			Attachments []attachmentMeta `json:"attachments"`
		} `json:"data"`
	}
	if json.Unmarshal(up.json, &body) != nil {
		return "" // not an object: the endpoint answers for it
	}
	metas := body.Attachments
	if body.Data != nil && len(body.Data.Attachments) > 0 {
		metas = body.Data.Attachments
	}
	for i, a := range metas {
		id, err := strconv.Atoi(string(bytes.Trim(a.ID, `"`)))
		if err != nil {
			return fmt.Sprintf("attachments[%d].id: not a file index", i)
		}
		k := -1
		for j := range up.files {
			if up.files[j].ID == id {
				k = j
			}
		}
		if k < 0 {
			return fmt.Sprintf("attachments[%d]: no files[%d] part", i, id)
		}
		if a.Filename != "" {
			up.files[k].Filename = a.Filename
		}
		up.files[k].Description = a.Description
	}
	return ""
}

type attachmentMeta struct {
	ID          json.RawMessage `json:"id"`
	Filename    string          `json:"filename"`
	Description string          `json:"description"`
}

// attachmentsJSON is the attachments array of a message object.
func attachmentsJSON(msgID string, files []Attachment) []any {
	out := []any{}
	for i, a := range files {
		id := msgID + strconv.Itoa(i)
		out = append(out, map[string]any{"id": id, "filename": a.Filename, "size": len(a.Data),
			"content_type": a.ContentType, "url": "https://cdn.invalid/attachments/" + id + "/" + a.Filename,
			"proxy_url": "https://media.invalid/attachments/" + id + "/" + a.Filename})
	}
	return out
}

// multipart parses a multipart/form-data request; for any other request
// it returns a nil upload. bad is the answer to a malformed one.
func (f *Fake) multipart(r *http.Request, body []byte) (up *upload, bad *restReply) {
	ct := r.Header.Get("Content-Type")
	if mt, _, _ := mime.ParseMediaType(ct); mt != "multipart/form-data" {
		return nil, nil
	}
	u, bad := parseMultipart(ct, body)
	if bad != nil {
		return nil, bad
	}
	return &u, nil
}

// body is the JSON body of the request: payload_json for a multipart one.
func (u *upload) body(raw []byte) []byte {
	if u == nil {
		return raw
	}
	return u.json
}

// attachments are the uploaded files, nil for a plain JSON request.
func (u *upload) attachments() []Attachment {
	if u == nil {
		return nil
	}
	return u.files
}
