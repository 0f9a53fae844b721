package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// WebBase is the web address of a GitHub whose API is at apiURL:
// https://api.github.com/ → https://github.com/, https://ghe.example/api/v3/
// → https://ghe.example/; any other URL (a local fake) is its own.
func WebBase(apiURL string) (string, error) {
	u, err := url.Parse(apiURL)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("%q is not a URL", apiURL)
	}
	u.Host = strings.TrimPrefix(u.Host, "api.")
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/api/v3") + "/"
	u.RawQuery = ""
	return u.String(), nil
}

// DeviceLogin signs the user in with GitHub's OAuth device flow: it asks
// for a code, calls show with the address to open and the code to type,
// then polls (as fast as GitHub allows, slowing down when told) until the
// user approves, denies, or the code expires. It returns the access token.
func DeviceLogin(ctx context.Context, apiURL, clientID string, scopes []string, client *http.Client, show func(uri, code string, expires time.Time)) (string, error) {
	if clientID == "" {
		return "", errors.New("GitHub's device flow needs the client ID of an OAuth app: set client_id on the source or pass --client-id")
	}
	web, err := WebBase(apiURL)
	if err != nil {
		return "", err
	}
	cfg := &oauth2.Config{
		ClientID: clientID,
		Scopes:   scopes,
		Endpoint: oauth2.Endpoint{
			DeviceAuthURL: web + "login/device/code",
			TokenURL:      web + "login/oauth/access_token",
			AuthStyle:     oauth2.AuthStyleInParams,
		},
	}
	if client != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, client)
	}
	da, err := cfg.DeviceAuth(ctx)
	if err != nil {
		return "", fmt.Errorf("start GitHub sign-in: %w", explainOAuth(err))
	}
	show(da.VerificationURI, da.UserCode, da.Expiry)
	tok, err := cfg.DeviceAccessToken(ctx, da)
	if err != nil {
		return "", explainOAuth(err)
	}
	return tok.AccessToken, nil
}

func explainOAuth(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		switch re.ErrorCode {
		case "expired_token":
			return errors.New("the sign-in code expired before it was entered; run evident auth github again")
		case "access_denied":
			return errors.New("the sign-in was denied on GitHub")
		case "unsupported_grant_type", "incorrect_client_credentials":
			return fmt.Errorf("GitHub refused the OAuth app (%s): check client_id", re.ErrorCode)
		case "device_flow_disabled":
			return errors.New("the device flow is not enabled for this OAuth app")
		}
		if re.ErrorCode != "" {
			return fmt.Errorf("GitHub sign-in failed: %s", re.ErrorCode)
		}
		if re.Response != nil {
			return fmt.Errorf("GitHub sign-in failed: %s", re.Response.Status)
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return errors.New("the sign-in code expired before it was entered; run evident auth github again")
	}
	return err
}

// Check asks GitHub who the token belongs to; it makes one request.
func (c *Connector) Check(ctx context.Context) (string, error) {
	u, _, err := c.api.Users.Get(ctx, "")
	if err != nil {
		return "", c.explain(err, "check the token")
	}
	return u.GetLogin(), nil
}
