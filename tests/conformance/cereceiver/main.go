// SPDX-License-Identifier: Apache-2.0

// cereceiver decodes every HTTP request it receives with the official CloudEvents Go SDK (binary and structured
// mode) and writes one JSON line per event: each attribute with its canonical string value and the Go type the SDK
// holds it in, and the data as base64 so that bytes compare exactly. Meshscope's conformance tests send to it.
//
// Usage: cereceiver [-port N] [-out FILE] [-ack-only]
//
// The first line on stdout is "listening on 127.0.0.1:<port>". A request the SDK cannot decode is answered 400 with
// the SDK's error as the body (and logged as a line with "error"); a request to /reject is answered 400 with a
// fixed body, so that clients can test how they show a refusal; everything else gets 202, as a Knative broker's
// ingress answers. With -ack-only nothing is decoded or written: every request gets 202 (for benchmarks).
package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/cloudevents/sdk-go/v2/binding"
	"github.com/cloudevents/sdk-go/v2/event"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	"github.com/cloudevents/sdk-go/v2/types"
)

// attribute is one context attribute as the SDK holds it.
type attribute struct {
	Value string `json:"value"`
	Type  string `json:"type"`
}

type record struct {
	Path       string               `json:"path"`
	Mode       string               `json:"mode"` // binary or structured, as the SDK's binding saw the message
	Attributes map[string]attribute `json:"attributes,omitempty"`
	Extensions map[string]attribute `json:"extensions,omitempty"`
	DataBase64 *string              `json:"data_base64,omitempty"` // absent when the event has no data
	Headers    map[string]string    `json:"headers,omitempty"`     // every header as received, names in lower case
	Error      string               `json:"error,omitempty"`
}

func describe(v interface{}) attribute {
	s, err := types.Format(v)
	if err != nil {
		s = fmt.Sprint(v)
	}
	return attribute{Value: s, Type: fmt.Sprintf("%T", v)}
}

// attributes lists the core attributes the event has, typed as the SDK's version-1.0 context keeps them.
func attributes(e *event.Event) map[string]attribute {
	out := map[string]attribute{"specversion": {Value: e.SpecVersion(), Type: "string"}}
	c, ok := e.Context.(*event.EventContextV1)
	if !ok {
		return out
	}
	out["id"] = describe(c.ID)
	out["source"] = describe(c.Source)
	out["type"] = describe(c.Type)
	if c.DataContentType != nil {
		out["datacontenttype"] = describe(*c.DataContentType)
	}
	if c.DataSchema != nil {
		out["dataschema"] = describe(*c.DataSchema)
	}
	if c.Subject != nil {
		out["subject"] = describe(*c.Subject)
	}
	if c.Time != nil {
		out["time"] = describe(*c.Time)
	}
	return out
}

func headers(h http.Header) map[string]string {
	out := map[string]string{}
	for name, values := range h {
		out[strings.ToLower(name)] = strings.Join(values, ",")
	}
	return out
}

func main() {
	port := flag.Int("port", 0, "loopback port to listen on (0: any free port)")
	outPath := flag.String("out", "", "file to append the JSON lines to (default: stdout)")
	ackOnly := flag.Bool("ack-only", false, "answer 202 without decoding or writing anything")
	flag.Parse()

	var out io.Writer = os.Stdout
	if *outPath != "" {
		f, err := os.OpenFile(*outPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer f.Close()
		out = f
	}
	writer := bufio.NewWriter(out)
	var mu sync.Mutex
	emit := func(r record) {
		line, _ := json.Marshal(r)
		mu.Lock()
		defer mu.Unlock()
		writer.Write(line)
		writer.WriteByte('\n')
		writer.Flush()
	}

	handler := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if *ackOnly {
			io.Copy(io.Discard, req.Body)
			w.WriteHeader(http.StatusAccepted)
			return
		}
		if req.URL.Path == "/reject" {
			io.Copy(io.Discard, req.Body)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"rejected on purpose by cereceiver /reject"}`)
			return
		}
		r := record{Path: req.URL.Path, Headers: headers(req.Header)}
		message := cehttp.NewMessageFromHttpRequest(req)
		switch message.ReadEncoding() {
		case binding.EncodingBinary:
			r.Mode = "binary"
		case binding.EncodingStructured:
			r.Mode = "structured"
		default:
			r.Mode = "unknown"
		}
		e, err := binding.ToEvent(req.Context(), message)
		message.Finish(err)
		if err == nil {
			err = e.Validate()
		}
		if err != nil {
			r.Error = err.Error()
			emit(r)
			http.Error(w, "cereceiver: the CloudEvents Go SDK could not decode the event: "+err.Error(),
				http.StatusBadRequest)
			return
		}
		r.Attributes = attributes(e)
		r.Extensions = map[string]attribute{}
		names := make([]string, 0, len(e.Extensions()))
		for name := range e.Extensions() {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			r.Extensions[name] = describe(e.Extensions()[name])
		}
		if data := e.Data(); data != nil {
			encoded := base64.StdEncoding.EncodeToString(data)
			r.DataBase64 = &encoded
		}
		emit(r)
		w.WriteHeader(http.StatusAccepted)
	})

	listener, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("listening on %s\n", listener.Addr().String())
	os.Stdout.Sync()
	if err := http.Serve(listener, handler); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
