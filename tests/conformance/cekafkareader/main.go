// SPDX-License-Identifier: Apache-2.0

// cekafkareader reads records from a Kafka topic with Sarama (github.com/IBM/sarama) and decodes each with the
// official CloudEvents Go SDK's Kafka binding (github.com/cloudevents/sdk-go/protocol/kafka_sarama/v2), then writes
// one JSON line per record: where it was (partition, offset), its key, the mode the binding saw, each attribute and
// extension with its canonical string value and the Go type the SDK holds it in, and the data as base64 so that
// bytes compare exactly. Meshscope's Kafka conformance test publishes, then runs it.
//
// Usage: cekafkareader -brokers HOST:PORT -topic NAME -count N [-timeout 60s] [-out FILE]
//
// Every partition is read from its oldest offset until N records have arrived (then it exits 0) or the timeout
// passes (then it exits 1 after writing what it read). Records are written partition by partition, in offset order.
// A record the SDK cannot decode is written with "error" set; the exit status stays 0 so the test can show it.
package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/IBM/sarama"
	"github.com/cloudevents/sdk-go/protocol/kafka_sarama/v2"
	"github.com/cloudevents/sdk-go/v2/binding"
	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/cloudevents/sdk-go/v2/types"
)

// attribute is one context attribute as the SDK holds it.
type attribute struct {
	Value string `json:"value"`
	Type  string `json:"type"`
}

type record struct {
	Topic      string               `json:"topic"`
	Partition  int32                `json:"partition"`
	Offset     int64                `json:"offset"`
	KeyBase64  *string              `json:"key_base64,omitempty"` // absent for a null key
	Mode       string               `json:"mode"`                 // binary or structured, as the binding saw it
	Attributes map[string]attribute `json:"attributes,omitempty"`
	Extensions map[string]attribute `json:"extensions,omitempty"`
	DataBase64 *string              `json:"data_base64,omitempty"` // absent when the event has no data
	Headers    map[string]string    `json:"headers,omitempty"`     // every record header as stored, raw
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

func decode(m *sarama.ConsumerMessage) record {
	r := record{Topic: m.Topic, Partition: m.Partition, Offset: m.Offset, Headers: map[string]string{}}
	if m.Key != nil {
		key := base64.StdEncoding.EncodeToString(m.Key)
		r.KeyBase64 = &key
	}
	for _, h := range m.Headers {
		r.Headers[string(h.Key)] = string(h.Value)
	}
	// The binding's own entry point for a consumed record, as its receiver uses it.
	message := kafka_sarama.NewMessageFromConsumerMessage(m)
	switch message.ReadEncoding() {
	case binding.EncodingBinary:
		r.Mode = "binary"
	case binding.EncodingStructured:
		r.Mode = "structured"
	default:
		r.Mode = "unknown"
	}
	e, err := binding.ToEvent(context.Background(), message)
	if err == nil {
		err = e.Validate()
	}
	if err != nil {
		r.Error = err.Error()
		return r
	}
	r.Attributes = attributes(e)
	r.Extensions = map[string]attribute{}
	for name, value := range e.Extensions() {
		r.Extensions[name] = describe(value)
	}
	if data := e.Data(); data != nil {
		encoded := base64.StdEncoding.EncodeToString(data)
		r.DataBase64 = &encoded
	}
	return r
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "cekafkareader: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	brokers := flag.String("brokers", "", "bootstrap servers, comma-separated")
	topic := flag.String("topic", "", "topic to read")
	count := flag.Int("count", 1, "records to read before exiting")
	timeout := flag.Duration("timeout", 60*time.Second, "give up after this long")
	outPath := flag.String("out", "", "file to write the JSON lines to (default: stdout)")
	flag.Parse()
	if *brokers == "" || *topic == "" {
		fail("-brokers and -topic are required")
	}

	var out io.Writer = os.Stdout
	if *outPath != "" {
		f, err := os.Create(*outPath)
		if err != nil {
			fail("%v", err)
		}
		defer f.Close()
		out = f
	}

	config := sarama.NewConfig()
	config.ClientID = "cekafkareader"
	config.Version = sarama.V2_8_0_0 // record headers need 0.11+; any broker of the last years speaks this
	config.Consumer.Return.Errors = true
	config.Consumer.Offsets.Initial = sarama.OffsetOldest
	consumer, err := sarama.NewConsumer(strings.Split(*brokers, ","), config)
	if err != nil {
		fail("cannot connect to %s: %v", *brokers, err)
	}
	defer consumer.Close()
	partitions, err := consumer.Partitions(*topic)
	if err != nil {
		fail("cannot list the partitions of %s: %v", *topic, err)
	}

	messages := make(chan *sarama.ConsumerMessage)
	errors := make(chan error)
	for _, p := range partitions {
		pc, err := consumer.ConsumePartition(*topic, p, sarama.OffsetOldest)
		if err != nil {
			fail("cannot read partition %d of %s: %v", p, *topic, err)
		}
		defer pc.AsyncClose()
		go func() {
			for m := range pc.Messages() {
				messages <- m
			}
		}()
		go func() {
			for e := range pc.Errors() {
				errors <- e
			}
		}()
	}

	var records []record
	deadline := time.After(*timeout)
	timedOut := false
	for len(records) < *count && !timedOut {
		select {
		case m := <-messages:
			records = append(records, decode(m))
		case e := <-errors:
			fmt.Fprintf(os.Stderr, "cekafkareader: %v\n", e)
		case <-deadline:
			timedOut = true
		}
	}
	sort.Slice(records, func(i, j int) bool {
		if records[i].Partition != records[j].Partition {
			return records[i].Partition < records[j].Partition
		}
		return records[i].Offset < records[j].Offset
	})
	writer := bufio.NewWriter(out)
	for _, r := range records {
		line, _ := json.Marshal(r)
		writer.Write(line)
		writer.WriteByte('\n')
	}
	writer.Flush()
	if timedOut {
		fail("read %d of %d records from %s within %v", len(records), *count, *topic, *timeout)
	}
}
