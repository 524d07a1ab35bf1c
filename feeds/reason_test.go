package feeds

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"
)

// reason words each failure class by its type, whatever its message.
func TestReasonByType(t *testing.T) {
	f := &Fetcher{cfg: DefaultConfig()}
	op := func(opName string, err error) error {
		return &net.OpError{Op: opName, Net: "tcp", Err: os.NewSyscallError("syscall", err)}
	}
	tests := []struct {
		name    string
		err     error
		headers bool
		want    string
	}{
		{"dns not found", &net.DNSError{Err: "whatever the resolver says", Name: "nope.example", IsNotFound: true}, false, "no such host: nope.example"},
		{"dns failure", &net.DNSError{Err: "x", Name: "h.example", IsTimeout: true}, false, "DNS lookup of h.example failed"},
		{"refused", op("dial", syscall.ECONNREFUSED), false, "connection refused"},
		{"reset before answer", op("read", syscall.ECONNRESET), false, "the server reset the connection before answering"},
		{"reset mid-body", op("read", syscall.ECONNRESET), true, "the connection was cut after 3 KiB of the body"},
		{"unexpected EOF mid-body", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true, "the connection was cut after 3 KiB of the body"},
		{"EOF before answer", fmt.Errorf("read: %w", io.EOF), false, "the server closed the connection before answering"},
		{"unknown authority", fmt.Errorf("tls: %w", x509.UnknownAuthorityError{}), false, "TLS certificate signed by an unknown authority"},
		{"expired", fmt.Errorf("tls: %w", x509.CertificateInvalidError{Reason: x509.Expired}), false, "TLS certificate expired or not yet valid"},
		{"wrong host", fmt.Errorf("tls: %w", x509.HostnameError{Host: "h"}), false, "TLS certificate not valid for this host"},
		{"unreachable", op("dial", syscall.EHOSTUNREACH), false, "the host cannot be reached"},
		{"too large", errTooLarge, true, "body larger than 15 MiB"},
	}
	for _, tt := range tests {
		res := &Response{received: 3 << 10}
		if tt.headers {
			res.Status = 200
		}
		if got := f.reason(context.Background(), res, tt.err); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	// The request deadline, before and after the headers.
	ctx, cancel := context.WithTimeoutCause(context.Background(), time.Nanosecond, errRequestTimer)
	defer cancel()
	<-ctx.Done()
	if got, want := f.reason(ctx, &Response{}, context.DeadlineExceeded), "the server did not answer within 20s"; got != want {
		t.Errorf("deadline before headers: %q, want %q", got, want)
	}
	if got, want := f.reason(ctx, &Response{Status: 200, received: 5 << 20}, context.DeadlineExceeded), "the server was still sending after 20s (5 MiB received)"; got != want {
		t.Errorf("deadline after headers: %q, want %q", got, want)
	}
	if !errors.Is(f.fail(ctx, &Response{}, context.DeadlineExceeded), ErrTimeout) {
		t.Error("a timeout is not ErrTimeout")
	}
}
