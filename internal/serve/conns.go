package serve

import (
	"context"
	"sync"
)

// connCache authenticates once per cloud and shares the session between
// that cloud's probes: a canary that probes every few minutes must not add
// a Keystone token per probe (gophercloud re-authenticates when the token
// expires).
type connCache struct {
	resolve func(cloud string) (ConnectFunc, error)
	mu      sync.Mutex
	m       map[string]*cachedConn
}

func newConnCache(resolve func(string) (ConnectFunc, error)) *connCache {
	return &connCache{resolve: resolve, m: map[string]*cachedConn{}}
}

// get returns the cloud's cached authentication; an unknown or incomplete
// cloud is an error (and is asked again next time: clouds.yaml may change).
func (c *connCache) get(cloud string) (ConnectFunc, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cc, ok := c.m[cloud]; ok {
		return cc.connect, nil
	}
	fn, err := c.resolve(cloud)
	if err != nil {
		return nil, err
	}
	cc := &cachedConn{fn: fn}
	c.m[cloud] = cc
	return cc.connect, nil
}

type cachedConn struct {
	fn   ConnectFunc
	mu   sync.Mutex
	conn *Conn
}

// connect returns the session, authenticating on first use or after a
// failure (a failure is never cached: the next probe tries again).
func (c *cachedConn) connect(ctx context.Context) (Conn, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn != nil {
		return *c.conn, nil
	}
	conn, err := c.fn(ctx)
	if err != nil {
		return Conn{}, err
	}
	c.conn = &conn
	return conn, nil
}

// clouds lists the clouds resolved so far (targets' and /probe's).
func (c *connCache) clouds() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, 0, len(c.m))
	for k := range c.m {
		out = append(out, k)
	}
	return out
}

// reset drops a cloud's session so that the next probe authenticates
// afresh: after a probe that could not run (auth, catalog or API errors),
// a stale session must not keep every later probe failing.
func (c *connCache) reset(cloud string) {
	c.mu.Lock()
	cc := c.m[cloud]
	c.mu.Unlock()
	if cc == nil {
		return
	}
	cc.mu.Lock()
	cc.conn = nil
	cc.mu.Unlock()
}
