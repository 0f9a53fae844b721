package pipeline

import (
	"context"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/evident-sync/evident/pipeline/store"
)

// Metrics are the daemon's Prometheus metrics: syncs and errors, API
// requests and rate limit left per source, and items by state and scope.
type Metrics struct {
	syncs     *prometheus.CounterVec
	errors    *prometheus.CounterVec
	requests  *prometheus.CounterVec
	fetched   *prometheus.CounterVec
	rate      *prometheus.GaugeVec
	success   *prometheus.GaugeVec
	itemsDesc *prometheus.Desc

	ctx    context.Context
	st     *store.Store
	mu     sync.Mutex
	cached map[[2]string]int
	// version is the store's version the counts were made at.
	version uint64
}

// NewMetrics registers the metrics on reg; ctx bounds the store reads a
// scrape makes.
func NewMetrics(ctx context.Context, reg prometheus.Registerer, st *store.Store) *Metrics {
	m := &Metrics{
		syncs:     prometheus.NewCounterVec(prometheus.CounterOpts{Name: "evident_syncs_total", Help: "Sync passes run, by source and result."}, []string{"source", "result"}),
		errors:    prometheus.NewCounterVec(prometheus.CounterOpts{Name: "evident_sync_errors_total", Help: "Sync passes that failed, by source."}, []string{"source"}),
		requests:  prometheus.NewCounterVec(prometheus.CounterOpts{Name: "evident_api_requests_total", Help: "Requests sent to each source's API."}, []string{"source"}),
		fetched:   prometheus.NewCounterVec(prometheus.CounterOpts{Name: "evident_artifacts_fetched_total", Help: "Artifacts fetched, by source."}, []string{"source"}),
		rate:      prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "evident_rate_limit_remaining", Help: "Rate-limit budget the source last reported."}, []string{"source"}),
		success:   prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "evident_last_success_timestamp_seconds", Help: "When the source last synced successfully."}, []string{"source"}),
		itemsDesc: prometheus.NewDesc("evident_items", "Evidence items, by state and scope.", []string{"state", "scope"}, nil),
		st:        st,
		ctx:       ctx,
	}
	reg.MustRegister(m.syncs, m.errors, m.requests, m.fetched, m.rate, m.success, m)
	return m
}

// Observe records one pass of a source.
func (m *Metrics) Observe(src Source, r Result) {
	result := "ok"
	if r.Err != nil {
		result = "error"
		m.errors.WithLabelValues(src.Name).Inc()
	} else {
		m.success.WithLabelValues(src.Name).SetToCurrentTime()
	}
	m.syncs.WithLabelValues(src.Name, result).Inc()
	m.requests.WithLabelValues(src.Name).Add(float64(r.Requests))
	m.fetched.WithLabelValues(src.Name).Add(float64(r.Fetched))
	if r.RateLimitRemaining >= 0 {
		m.rate.WithLabelValues(src.Name).Set(float64(r.RateLimitRemaining))
	}
}

// Describe implements prometheus.Collector for the item counts.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) { ch <- m.itemsDesc }

// Collect counts items by state and scope, again only when the store has
// changed since the last count (a count reads every item).
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ver := m.st.Version()
	if m.cached == nil || ver != m.version {
		counts := map[[2]string]int{}
		err := m.st.Scan(m.ctx, store.Filter{}, func(it *store.Item) error {
			counts[[2]string{string(it.State), string(it.Scope())}]++
			return nil
		})
		if err == nil {
			m.cached, m.version = counts, ver
		}
	}
	for k, n := range m.cached {
		ch <- prometheus.MustNewConstMetric(m.itemsDesc, prometheus.GaugeValue, float64(n), k[0], k[1])
	}
}
