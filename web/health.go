package web

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/consentry/consentry/internal/store"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// getHealth answers as soon as the server accepts requests.
func (s *Server) getHealth(c echo.Context) error { return c.String(http.StatusOK, "ok\n") }

// getReady answers 200 only while the database answers and the ledger
// writer is alive, so a load balancer stops sending consents it cannot keep.
func (s *Server) getReady(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.cfg.Store.Ping(ctx); err != nil {
		return c.String(http.StatusServiceUnavailable, "database not reachable\n")
	}
	if !s.cfg.Writer.Alive() {
		return c.String(http.StatusServiceUnavailable, "ledger writer not alive\n")
	}
	return c.String(http.StatusOK, "ready\n")
}

type metrics struct {
	consents *prometheus.CounterVec
	// refused counts answers that refused a request, by the error's code:
	// rate_limited and unavailable are what an operator watches (a client
	// told to slow down; a consent not kept, to retry).
	refused *prometheus.CounterVec
	// byAction holds the consents counter of each action counted so far
	// (consent.Action → prometheus.Counter), found by label once rather
	// than for every consent.
	byAction sync.Map
	handler  echo.HandlerFunc
}

// consent counts one decision recorded with action a.
func (m *metrics) consent(a consent.Action) {
	c, ok := m.byAction.Load(a)
	if !ok {
		c, _ = m.byAction.LoadOrStore(a, m.consents.WithLabelValues(string(a)))
	}
	c.(prometheus.Counter).Inc()
}

// refusal counts one answer that refused a request with code.
func (m *metrics) refusal(code consent.Code) { m.refused.WithLabelValues(string(code)).Inc() }

// newMetrics registers the server's collectors. The writer's batch sizes are
// observed through WriterObserver, set up before the writer starts.
func newMetrics(reg *prometheus.Registry, w *ledger.Writer, st store.Store) *metrics {
	m := &metrics{
		consents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "consentry_consents_total", Help: "Decisions recorded, by action.",
		}, []string{"action"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "consentry_refused_total",
			Help: "Requests answered with an error, by its code (rate_limited: 429, unavailable: 503 with Retry-After, internal: 500, ...).",
		}, []string{"code"}),
	}
	// The codes an operator alerts on are there from the start, at 0, so
	// that a rate() over them has a series before the first refusal.
	for _, c := range []consent.Code{consent.ERateLimited, consent.EUnavailable, consent.EInternal} {
		m.refused.WithLabelValues(string(c))
	}
	reg.MustRegister(m.consents, m.refused, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "consentry_writer_alive",
		Help: "1 while the ledger writer's last commit or probe succeeded and no batch is past its deadline (what /readyz asks of it besides a database ping), else 0.",
	}, func() float64 {
		if w.Alive() {
			return 1
		}
		return 0
	}), prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "consentry_writer_queue_length", Help: "Events waiting for the ledger writer.",
	}, func() float64 { return float64(w.QueueLen()) }), prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "consentry_writer_batch_reruns_total",
		Help: "Ledger batches run a second time because a request ID in them was recorded already or came twice (a client's retry).",
	}, func() float64 { return float64(st.Reruns()) }), prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "consentry_name_sweeps_total",
		Help: "Sweeps of the user agents and pages no event names any more (after erasures and purges) that ended, failed ones included; one stopped by a shutdown is not counted.",
	}, func() float64 { return float64(st.Sweeps().Runs) }), prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "consentry_name_sweeps_failed_total",
		Help: "Name sweeps that failed: the erased user agents and pages they should have deleted stay stored until one succeeds (each is logged, with its error class).",
	}, func() float64 { return float64(st.Sweeps().Failed) }), prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "consentry_names_removed_total",
		Help: "User agents and pages the name sweeps deleted.",
	}, func() float64 { return float64(st.Sweeps().Removed) }))
	m.handler = echo.WrapHandler(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return m
}

// WriterObserver returns a collector of the ledger writer's batch sizes,
// registered on reg, for ledger.NewWriter's observe argument.
func WriterObserver(reg *prometheus.Registry) func(int) {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "consentry_writer_batch_size", Help: "Events committed per ledger transaction.",
		Buckets: prometheus.ExponentialBuckets(1, 4, 7),
	})
	reg.MustRegister(h)
	return func(n int) { h.Observe(float64(n)) }
}
