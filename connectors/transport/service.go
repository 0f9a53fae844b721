package transport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/evident-sync/evident/connectors"
)

// Service is a JSON API a connector reads, and the one place its failures
// become evident's errors: a refused credential (*connectors.AuthError,
// the cached token forgotten after a 401), a malformed request
// (*QueryError), a missing resource (*NotFoundError), a limit that would
// wait too long (*RateLimitError), a server out of reach
// (*UnreachableError), or a sentence with the status and the service's
// own message. None of them carries a secret.
type Service struct {
	// Name names the service in sentences ("Google Drive").
	Name string
	// Credential names what was sent ("the token from $GOOGLE_TOKEN").
	Credential string
	Client     *http.Client
	// Forget drops a cached token after a 401 (nil: nothing cached).
	Forget func()
	// Message reads the service's error message from a response body ("":
	// none); nil uses the status text.
	Message func(body []byte) string
	// Denied reports a 403 body that refuses one resource to this user
	// (Drive's insufficientFilePermissions), not the credential: it is a
	// *DeniedError, and the source goes on.
	Denied func(body []byte) bool
	// NotFoundHint ends a 404's sentence with what to check ("check the
	// url (Cloud: https://SITE.atlassian.net/wiki/)"); "" for none.
	NotFoundHint string
	// RetryAuth sends a request refused with 401 once more after Forget:
	// an access token that expired (an OAuth token lives an hour) is
	// replaced without failing the pass.
	RetryAuth bool
}

// DeniedError is a 403 for one resource the user may not read, while the
// credential itself is good.
type DeniedError struct{ Err error }

func (e *DeniedError) Error() string { return e.Err.Error() }
func (e *DeniedError) Unwrap() error { return e.Err }

// maxErrorBody bounds how much of an error response is read for its
// message.
const maxErrorBody = 64 << 10

// GetJSON sends GET u and decodes the JSON body into v. doing says what
// the request was for ("list the documents"), and starts every sentence.
func (s *Service) GetJSON(ctx context.Context, u string, v any, doing string) error {
	resp, err := s.get(ctx, u, "application/json", doing)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%s: %s sent a malformed response (%v)", doing, s.Name, err)
	}
	return nil
}

// GetText sends GET u and returns at most max bytes of the body as text
// (the rest is not read).
func (s *Service) GetText(ctx context.Context, u string, max int64, doing string) (string, error) {
	resp, err := s.get(ctx, u, "text/plain", doing)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, max))
	if err != nil {
		return "", s.Unanswered(err, doing)
	}
	return string(b), nil
}

// get sends GET u: a response with a 2xx status, or the error its failure
// is. A 401 is sent once more after Forget when RetryAuth is set.
func (s *Service) get(ctx context.Context, u, accept, doing string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", doing, err)
	}
	req.Header.Set("Accept", accept)
	resp, err := s.Client.Do(req)
	if err == nil && resp.StatusCode == http.StatusUnauthorized && s.RetryAuth && s.Forget != nil {
		drainClose(resp)
		s.Forget()
		resp, err = s.Client.Do(req)
	}
	if err != nil {
		return nil, s.Unanswered(err, doing)
	}
	if resp.StatusCode >= 300 {
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		msg := ""
		if s.Message != nil {
			msg = s.Message(body)
		}
		return nil, s.Answered(resp.StatusCode, msg, body, doing)
	}
	return resp, nil
}

// Unanswered turns a request that got no usable answer into its
// sentence: cancelled, a refused credential, a limit that would wait too
// long, a server out of reach, or a body that is not the JSON it should
// be. Every source's failures end here or in Answered, whatever client
// library sent the request.
func (s *Service) Unanswered(err error, doing string) error {
	var ae *connectors.AuthError
	var rle *RateLimitError
	var unr *UnreachableError
	var ue *url.Error
	var se *json.SyntaxError
	var ute *json.UnmarshalTypeError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &rle):
		return fmt.Errorf("%s: %s %w", doing, s.Name, rle)
	case errors.As(err, &unr):
		return unr
	case errors.As(err, &se), errors.As(err, &ute), errors.Is(err, io.ErrUnexpectedEOF), strings.Contains(err.Error(), "unexpected EOF"):
		return fmt.Errorf("%s: %s sent a malformed response (%v)", doing, s.Name, err)
	case errors.As(err, &ue):
		return fmt.Errorf("%s: cannot reach %s: %v", doing, s.Name, ue.Err)
	}
	return fmt.Errorf("%s: %w", doing, err)
}

// Answered turns an error status into its sentence: code, the service's
// own message (msg; "" for the status text) and the body it came in.
func (s *Service) Answered(code int, msg string, body []byte, doing string) error {
	if msg == "" {
		msg = http.StatusText(code)
	}
	if code == http.StatusForbidden && s.Denied != nil && s.Denied(body) {
		return &DeniedError{Err: fmt.Errorf("%s: %s refused it (%s)", doing, s.Name, msg)}
	}
	if err := Refusal(code, s.Name, s.Credential, msg, s.Forget); err != nil {
		if code != http.StatusForbidden || !isLimitMessage(body) {
			return err
		}
	}
	err := fmt.Errorf("%s: %s answered %d %s", doing, s.Name, code, msg)
	switch code {
	case http.StatusBadRequest:
		return &QueryError{Err: err}
	case http.StatusNotFound:
		if s.NotFoundHint != "" {
			err = fmt.Errorf("%w; %s", err, s.NotFoundHint)
		}
		return &NotFoundError{Err: err}
	case http.StatusTooManyRequests, http.StatusForbidden:
		return fmt.Errorf("%s: %s kept refusing for its rate limit (%d %s); evident tries again at the next poll", doing, s.Name, code, msg)
	}
	return err
}

func drainClose(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
}

// isLimitMessage reports a 403 body that is a rate limit, not a refusal:
// GitHub's secondary limit (or its abuse detection), Google's
// rateLimitExceeded and userRateLimitExceeded.
func isLimitMessage(body []byte) bool {
	s := strings.ToLower(string(body))
	return strings.Contains(s, "secondary rate limit") || strings.Contains(s, "abuse detection") || strings.Contains(s, "ratelimitexceeded")
}
