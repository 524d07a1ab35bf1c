package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// maxInlineWait is the longest rate-limit wait spent inside one call; a longer
// one ends the call and the caller defers the work.
const maxInlineWait = 30 * time.Second

// callError is a REST failure after the retries.
type callError struct {
	status    int           // HTTP status; 0 when none arrived
	wait      time.Duration // how long the server asked to wait (429)
	transient bool          // worth retrying later: 429, 5xx, network
	unknown   bool          // Discord may have acted on it: 5xx, network, timeout
	global    bool          // a 429 for every route (X-RateLimit-Global)
	err       error
}

func (e *callError) Error() string { return "discord: " + e.err.Error() }
func (e *callError) Unwrap() error { return e.err }

// call runs a REST request, retrying 429s, 5xx and network failures at most
// cfg.MaxRetries times with backoff and honouring retry_after, Retry-After
// and X-RateLimit-Reset-After. The returned error is a *callError (or the
// context's error).
func (b *Bot) call(ctx context.Context, do func(opts ...discordgo.RequestOption) error) error {
	return b.callRetry(ctx, b.cfg.MaxRetries, true, do)
}

// callRetry is call with at most retries retries; with retryUnknown false
// it does not retry a failure after which Discord may have acted (5xx,
// network, timeout), for requests that must not run twice unseen.
func (b *Bot) callRetry(ctx context.Context, retries int, retryUnknown bool, do func(opts ...discordgo.RequestOption) error) error {
	for attempt := 0; ; attempt++ {
		c := &capture{}
		rctx, cancel := context.WithTimeout(context.WithValue(ctx, captureKey{}, c), b.cfg.RequestTimeout)
		err := do(discordgo.WithContext(rctx))
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		ce := classify(err, c, attempt)
		if !ce.transient || attempt >= retries || ce.wait > maxInlineWait || (ce.unknown && !retryUnknown) {
			return ce
		}
		slept := false
		if ce.status == http.StatusTooManyRequests {
			b.log.Debug("discord rate limit", "wait", ce.wait)
			slept = b.rateWait(ctx, rateScope(ce), ce.wait)
		} else {
			slept = sleep(ctx, ce.wait)
		}
		if !slept {
			return ctx.Err()
		}
	}
}

// classify maps a discordgo error and the captured response to a callError
// whose wait is what to sleep before retrying.
func classify(err error, c *capture, attempt int) *callError {
	status, h := c.get()
	ce := &callError{status: status, err: err, wait: backoff(attempt)}
	var rl *discordgo.RateLimitError
	var rest *discordgo.RESTError
	switch {
	case errors.As(err, &rl) || status == http.StatusTooManyRequests:
		ce.status, ce.transient = http.StatusTooManyRequests, true
		if w := retryAfter(rl, h); w > 0 {
			ce.wait = w + 50*time.Millisecond
		}
		ce.global = h.Get("X-RateLimit-Global") == "true"
	case errors.As(err, &rest) && rest.Response != nil:
		ce.status = rest.Response.StatusCode
		ce.transient = ce.status >= 500
		ce.unknown = ce.transient
	default: // network error, timeout, unreadable body
		ce.transient, ce.unknown = true, true
	}
	return ce
}

// retryAfter reads the wait a 429 asked for: the body's retry_after, else
// the Retry-After header, else X-RateLimit-Reset-After; 0 when none.
func retryAfter(rl *discordgo.RateLimitError, h http.Header) time.Duration {
	if rl != nil && rl.RateLimit != nil && rl.TooManyRequests != nil && rl.RetryAfter > 0 {
		return rl.RetryAfter
	}
	for _, k := range []string{"Retry-After", "X-RateLimit-Reset-After"} {
		if v, err := strconv.ParseFloat(h.Get(k), 64); err == nil && v > 0 {
			return time.Duration(v * float64(time.Second))
		}
	}
	return 0
}

// backoff is the wait before retry attempt+1: 500ms doubling, at most 8s,
// with jitter.
func backoff(attempt int) time.Duration {
	d := 500 * time.Millisecond << min(attempt, 4)
	return d/2 + rand.N(d/2+1)
}

// sleep waits d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// outMessage is a channel message as the bot sends it. discordgo's
// MessageSend has no nonce fields, so the bot sends this itself.
type outMessage struct {
	Content         string                            `json:"content,omitempty"`
	Embeds          []*discordgo.MessageEmbed         `json:"embeds"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	Nonce           string                            `json:"nonce,omitempty"`
	EnforceNonce    bool                              `json:"enforce_nonce,omitempty"`
	// Files are attachments (a chart): stored with the body, posted as
	// multipart/form-data files[n] parts, never in the JSON sent.
	Files []file `json:"files,omitempty"`
}

// postMessage posts m to a channel and returns the message id Discord gave
// it. It retries rate limits (Discord did not create the message) but not
// failures after which the message may exist (5xx, network, timeout): those
// return a *callError with unknown set, and the caller reconciles before
// posting again. retries is the most retries.
func (b *Bot) postMessage(ctx context.Context, channelID string, m *outMessage, retries int) (string, error) {
	endpoint := discordgo.EndpointChannelMessages(channelID)
	var msg discordgo.Message
	err := b.callRetry(ctx, retries, false, func(opts ...discordgo.RequestOption) error {
		if err := b.budgetWait(ctx); err != nil {
			return err
		}
		if err := b.limiter.Wait(ctx); err != nil {
			return err
		}
		if err := b.waitBucket(ctx, endpoint); err != nil {
			return err
		}
		var body []byte
		var err error
		if len(m.Files) > 0 {
			payload := *m
			payload.Files = nil
			ct, form, ferr := discordgo.MultipartBodyWithJSON(&payload, discordFiles(m.Files))
			if ferr != nil {
				return fmt.Errorf("bot: encode the attachments: %w", ferr)
			}
			body, err = b.s.RequestRaw(http.MethodPost, endpoint, ct, form, endpoint, 0, opts...)
		} else {
			body, err = b.s.RequestWithBucketID(http.MethodPost, endpoint, m, endpoint, opts...)
		}
		if err != nil {
			return err
		}
		if err := json.Unmarshal(body, &msg); err != nil || msg.ID == "" {
			return errors.New("discord: message post answered without a message id")
		}
		return nil
	})
	return msg.ID, err
}

// waitBucket waits, until ctx ends, for what discordgo's rate limiter would
// otherwise sleep through without looking at any context before a request
// in bucket id (an empty bucket or a global limit). A wait longer than
// maxInlineWait returns a rate limit error so that the caller defers.
func (b *Bot) waitBucket(ctx context.Context, id string) error {
	rl := b.s.Ratelimiter
	bucket := rl.GetBucket(id)
	bucket.Lock()
	wait := rl.GetWaitTime(bucket, 1)
	bucket.Unlock()
	if wait > maxInlineWait {
		return &discordgo.RateLimitError{RateLimit: &discordgo.RateLimit{
			TooManyRequests: &discordgo.TooManyRequests{Message: "bucket empty", RetryAfter: wait}}}
	}
	if !b.rateWait(ctx, "bucket", wait) {
		return ctx.Err()
	}
	return nil
}

// noMentions allows no pings, or only the given role.
func noMentions(roleID string) *discordgo.MessageAllowedMentions {
	am := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	if roleID != "" {
		am.Roles = []string{roleID}
	}
	return am
}
