//go:build e2e

package e2e

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"

	"github.com/monhook/monhook/internal/lab/keystone"
)

// TestRealKeystone checks, against Debian's real Keystone, the facts the
// rest of monhook relies on: the accounts keystone.sh provisions, how
// gophercloud finds the monitoring endpoint, and that the lab's Remote
// validator (external-Keystone mode) reads real tokens correctly. One server
// serves every subtest because a start costs seconds.
func TestRealKeystone(t *testing.T) {
	// Started without an endpoint, as the lab's external mode needs it.
	ks := startKeystone(t, "")
	const firstURL = "http://127.0.0.1:8070/v2.0"
	ks.RegisterEndpoint(t, firstURL)

	t.Run("gophercloud from the exported OS_* finds the monitoring endpoint", func(t *testing.T) {
		// Exactly what keystone.sh exports, not what Go would build.
		for _, k := range osExportNames {
			t.Setenv(k, ks.Vars[k])
		}
		opts, err := openstack.AuthOptionsFromEnv()
		if err != nil {
			t.Fatalf("AuthOptionsFromEnv with the exported variables: %v", err)
		}
		pc := authenticate(t, opts)
		if got := monitoringURL(t, pc, ks.Region); got != firstURL {
			t.Errorf("monitoring endpoint = %q, want %q", got, firstURL)
		}
	})

	t.Run("each account holds exactly its Monasca role", func(t *testing.T) {
		for _, tc := range []struct {
			user keystoneUser
			want string // "" = no monasca-* role at all
		}{
			{ks.User, "monasca-user"},
			{ks.Agent, "monasca-agent"},
			{ks.ReadOnly, "monasca-read-only-user"},
			{ks.NoRoles, ""},
		} {
			roles := tokenRoles(t, authenticate(t, ks.AuthOptions(tc.user)))
			var monasca []string
			for _, r := range roles {
				if strings.HasPrefix(r, "monasca-") {
					monasca = append(monasca, r)
				}
			}
			var want []string
			if tc.want != "" {
				want = []string{tc.want}
			}
			if !slices.Equal(monasca, want) {
				t.Errorf("%s: monasca roles %v, want %v (all roles %v)", tc.user.Name, monasca, want, roles)
			}
		}
	})

	t.Run("application credential authenticates with monasca-user", func(t *testing.T) {
		pc := authenticate(t, gophercloud.AuthOptions{
			IdentityEndpoint:            ks.AuthURL,
			ApplicationCredentialID:     ks.AppCredID,
			ApplicationCredentialSecret: ks.AppCredSecret,
		})
		if roles := tokenRoles(t, pc); !slices.Contains(roles, "monasca-user") {
			t.Errorf("application credential token roles %v lack monasca-user", roles)
		}
	})

	t.Run("wrong password is a 401", func(t *testing.T) {
		opts := ks.AuthOptions(ks.User)
		opts.Password += "-wrong"
		_, err := openstack.AuthenticatedClient(t.Context(), opts)
		if !gophercloud.ResponseCodeIs(err, http.StatusUnauthorized) {
			t.Errorf("err = %v, want a 401", err)
		}
	})

	userToken := authenticate(t, ks.AuthOptions(ks.User)).Token()
	noRolesToken := authenticate(t, ks.AuthOptions(ks.NoRoles)).Token()

	remotes := map[string]*keystone.Remote{
		"with the service account": keystone.NewRemote(keystone.RemoteOptions{
			URL: ks.AuthURL, User: ks.Service.Name, Password: ks.Service.Password, Project: ks.Service.Project,
		}),
		// keystonemiddleware-less mode: each token validates itself.
		"with self-validation": keystone.NewRemote(keystone.RemoteOptions{URL: ks.AuthURL}),
	}
	for name, remote := range remotes {
		t.Run("lab Remote validator "+name+" reads real tokens", func(t *testing.T) {
			ctx := t.Context()
			id, err := remote.Validate(ctx, userToken)
			if err != nil {
				t.Fatalf("Validate(user token): %v", err)
			}
			if id.ProjectName != ks.User.Project || id.UserName != ks.User.Name || !id.HasRole("monasca-user") {
				t.Errorf("user identity = %+v, want user %s on %s with monasca-user", id, ks.User.Name, ks.User.Project)
			}
			if id.ProjectID == "" || id.ExpiresAt.IsZero() {
				t.Errorf("user identity lacks project id or expiry: %+v", id)
			}
			id, err = remote.Validate(ctx, noRolesToken)
			if err != nil {
				t.Fatalf("Validate(noroles token): %v", err)
			}
			if id.HasRole("monasca-user", "monasca-agent", "monasca-read-only-user") {
				t.Errorf("noroles identity has a Monasca role: %+v", id)
			}
			if _, err := remote.Validate(ctx, "gAAAAAB-not-a-token"); !errors.Is(err, keystone.ErrInvalidToken) {
				t.Errorf("Validate(garbage) err = %v, want ErrInvalidToken", err)
			}
		})
	}

	t.Run("lab Remote service identity is the service project", func(t *testing.T) {
		id, err := remotes["with the service account"].ServiceIdentity(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if id.ProjectName != ks.Service.Project || id.UserName != ks.Service.Name {
			t.Errorf("service identity = %+v", id)
		}
	})

	t.Run("register-endpoint moves the endpoint for new tokens", func(t *testing.T) {
		const secondURL = "http://127.0.0.1:18070/monitoring/v2.0"
		ks.RegisterEndpoint(t, secondURL)
		pc := authenticate(t, ks.AuthOptions(ks.User))
		if got := monitoringURL(t, pc, ks.Region); got != secondURL {
			t.Errorf("monitoring endpoint after re-registering = %q, want %q", got, secondURL)
		}
	})
}

func authenticate(t testing.TB, opts gophercloud.AuthOptions) *gophercloud.ProviderClient {
	t.Helper()
	pc, err := openstack.AuthenticatedClient(t.Context(), opts)
	if err != nil {
		t.Fatalf("authenticate as %q: %v", opts.Username+opts.ApplicationCredentialID, err)
	}
	return pc
}

// monitoringURL returns the public monitoring endpoint without the
// trailing slash gophercloud adds.
func monitoringURL(t testing.TB, pc *gophercloud.ProviderClient, region string) string {
	t.Helper()
	url, err := pc.EndpointLocator(gophercloud.EndpointOpts{
		Type: "monitoring", Region: region, Availability: gophercloud.AvailabilityPublic,
	})
	if err != nil {
		t.Fatalf("monitoring endpoint: %v", err)
	}
	return strings.TrimSuffix(url, "/")
}

func tokenRoles(t testing.TB, pc *gophercloud.ProviderClient) []string {
	t.Helper()
	res, ok := pc.GetAuthResult().(tokens.CreateResult)
	if !ok {
		t.Fatalf("auth result is %T, want tokens.CreateResult", pc.GetAuthResult())
	}
	roles, err := res.ExtractRoles()
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(roles))
	for _, r := range roles {
		names = append(names, r.Name)
	}
	slices.Sort(names)
	return names
}

// TestLabRemoteOutlivesRealTokenExpiry lets real Keystone tokens expire
// (KS_TOKEN_EXPIRATION) and checks that the lab's Remote validator neither
// serves an expired user token from its cache nor gets stuck with its own
// expired service token.
func TestLabRemoteOutlivesRealTokenExpiry(t *testing.T) {
	const lifetime = 15 // seconds; provisioning must finish well within one token's life
	ks := startKeystoneWith(t, keystoneOptions{TokenExpiration: lifetime})
	remote := keystone.NewRemote(keystone.RemoteOptions{
		URL: ks.AuthURL, User: ks.Service.Name, Password: ks.Service.Password, Project: ks.Service.Project,
		CacheTTL: time.Hour, // only the token's own expiry may end a cached validation
	})
	ctx := t.Context()
	if _, err := remote.ServiceIdentity(ctx); err != nil {
		t.Fatal(err)
	}
	old := authenticate(t, ks.AuthOptions(ks.User)).Token()
	id, err := remote.Validate(ctx, old)
	if err != nil {
		t.Fatalf("Validate(fresh token): %v", err)
	}
	if left := time.Until(id.ExpiresAt); left <= 0 || left > lifetime*time.Second+5*time.Second {
		t.Fatalf("token expires in %s, want within the configured %ds", left, lifetime)
	}

	// Keystone's clock decides; poll it (bounded) instead of guessing.
	deadline := time.Now().Add(lifetime*time.Second + time.Minute)
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		_, err := remote.Validate(ctx, old)
		if errors.Is(err, keystone.ErrInvalidToken) {
			break
		}
		if err != nil {
			t.Fatalf("Validate(expiring token): %v, want success or ErrInvalidToken", err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("token still valid through the lab %s after it should have expired at %s", time.Since(id.ExpiresAt), id.ExpiresAt)
		}
		<-tick.C
	}
	if time.Now().Before(id.ExpiresAt) {
		t.Errorf("token rejected before its expiry %s", id.ExpiresAt)
	}

	// The service token from before has expired too; a new user token must
	// still validate.
	fresh := authenticate(t, ks.AuthOptions(ks.User)).Token()
	if id, err := remote.Validate(ctx, fresh); err != nil || !id.HasRole("monasca-user") {
		t.Errorf("Validate(new token after expiry) = %+v, %v; want monasca-user", id, err)
	}
}
