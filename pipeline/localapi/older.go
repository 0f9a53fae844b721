package localapi

import (
	"net/http"

	"github.com/evident-sync/evident/pipeline/localapi/apitype"
)

// OlderRoutes adds the names the web UI's calls had before /v1, for the
// scripts written against them: each reads its old request, calls the one
// API's handler, and answers as it did.
//
//	POST /api/items/{id}/decide {"state": …}   one item
//	POST /api/items/{id}/edit   {"note": …}    one item
//	POST /api/confirm, /api/dismiss {"ids": […]}  {"confirmed": N}
//	POST /api/entries {"title": …, "date": …}  one item
//	GET /api/items                            the list, as /v1/items
func (s *Server) OlderRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/items", s.items)
	mux.HandleFunc("POST /api/items/{id}/decide", func(w http.ResponseWriter, r *http.Request) {
		var req apitype.DecideRequest
		if readJSON(w, r, "decision", &req) {
			req.IDs = []string{r.PathValue("id")}
			s.decideAnswer(w, r, req, true)
		}
	})
	mux.HandleFunc("POST /api/items/{id}/edit", func(w http.ResponseWriter, r *http.Request) {
		var req apitype.EditRequest
		if readJSON(w, r, "edit", &req) {
			req.ID = r.PathValue("id")
			s.editAnswer(w, r, req)
		}
	})
	for path, state := range map[string]string{"/api/confirm": "confirmed", "/api/dismiss": "dismissed"} {
		mux.HandleFunc("POST "+path, func(w http.ResponseWriter, r *http.Request) {
			var req apitype.DecideRequest
			if !readJSON(w, r, "request", &req) {
				return
			}
			req.State = state
			if items, ok := s.decideItems(w, r, req); ok {
				WriteJSON(w, 200, map[string]int{state: len(items)})
			}
		})
	}
	mux.HandleFunc("POST /api/entries", s.add)
}
