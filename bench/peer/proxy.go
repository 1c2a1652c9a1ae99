package main

import (
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
)

// proxy is a counting TCP proxy on loopback: what passes through it, each
// way, is counted, headers and bodies alike (what a link would carry, less
// TCP/IP overhead). Both systems' replicas reach their server through one,
// so their bytes are counted the same way.
type proxy struct {
	ln       net.Listener
	target   string // host:port
	up, down atomic.Int64
	conns    sync.WaitGroup
	mu       sync.Mutex
	open     map[net.Conn]bool // client connections in flight
}

// startProxy listens on addr ("127.0.0.1:0" for any port) and forwards to
// target.
func startProxy(addr, target string) (*proxy, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}
	p := &proxy{ln: ln, target: target, open: map[net.Conn]bool{}}
	go p.accept()
	return p, nil
}

// port is the port the proxy listens on.
func (p *proxy) port() int { return p.ln.Addr().(*net.TCPAddr).Port }

// counts returns the bytes carried so far: up (to the server) and down.
func (p *proxy) counts() (up, down int64) { return p.up.Load(), p.down.Load() }

// close stops listening, ends the connections still open (a client in
// this process keeps idle ones) and waits for them.
func (p *proxy) close() {
	p.ln.Close()
	p.mu.Lock()
	for c := range p.open {
		c.Close()
	}
	p.mu.Unlock()
	p.conns.Wait()
}

func (p *proxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return // closed
		}
		p.conns.Add(1)
		p.mu.Lock()
		p.open[c] = true
		p.mu.Unlock()
		go p.serve(c)
	}
}

func (p *proxy) serve(c net.Conn) {
	defer p.conns.Done()
	defer func() {
		c.Close()
		p.mu.Lock()
		delete(p.open, c)
		p.mu.Unlock()
	}()
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer s.Close()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn, n *atomic.Int64) {
		io.Copy(counter{dst, n}, src)
		// one side ended: end the other, so that neither goroutine lingers
		dst.Close()
		src.Close()
		done <- struct{}{}
	}
	go pipe(s, c, &p.up)
	go pipe(c, s, &p.down)
	<-done
	<-done
}

// counter counts what is written through it, once written.
type counter struct {
	w io.Writer
	n *atomic.Int64
}

func (c counter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n.Add(int64(n))
	return n, err
}
