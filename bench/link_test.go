package bench

import (
	"context"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// link is a simulated network link between a device and the server: each
// direction carries Rate bytes a second, and every exchange (a connection's
// handshake, a request followed by its answer) costs one RTT. It counts the
// bytes each way: HTTP as sent, headers and gzipped bodies, without TCP/IP
// overhead. It is safe for concurrent use.
type link struct {
	Rate int           // bytes a second each way; 0: unlimited
	RTT  time.Duration // round-trip time

	up, down atomic.Int64
}

// link2G is the link of a commune office on 2G: 32 KB/s each way, 300 ms RTT.
func link2G() *link { return &link{Rate: 32 << 10, RTT: 300 * time.Millisecond} }

// Transport is an HTTP transport whose connections go through the link.
func (l *link) Transport() *http.Transport {
	var d net.Dialer
	return &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			time.Sleep(l.RTT) // the TCP handshake
			return &linkConn{Conn: c, l: l}, nil
		},
		MaxIdleConnsPerHost: 4,
	}
}

// Bytes returns the bytes sent up (device to server) and down so far.
func (l *link) Bytes() (up, down int64) { return l.up.Load(), l.down.Load() }

// Reset sets the counters back to zero.
func (l *link) Reset() { l.up.Store(0); l.down.Store(0) }

func (l *link) transfer(n int) {
	if l.Rate > 0 && n > 0 {
		time.Sleep(time.Duration(n) * time.Second / time.Duration(l.Rate))
	}
}

// linkConn delays a connection's traffic as its link would.
type linkConn struct {
	net.Conn
	l    *link
	mu   sync.Mutex
	sent bool // written since the last read: the next answer costs an RTT
}

func (c *linkConn) Write(p []byte) (int, error) {
	c.l.transfer(len(p))
	n, err := c.Conn.Write(p)
	c.l.up.Add(int64(n))
	c.mu.Lock()
	c.sent = true
	c.mu.Unlock()
	return n, err
}

func (c *linkConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	turn := c.sent && n > 0
	if turn {
		c.sent = false
	}
	c.mu.Unlock()
	if turn {
		time.Sleep(c.l.RTT)
	}
	c.l.transfer(n)
	c.l.down.Add(int64(n))
	return n, err
}
