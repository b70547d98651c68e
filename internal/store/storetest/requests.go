package storetest

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/store"
	"github.com/google/uuid"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// SubjectRequest returns a validated request received on received, as the
// console would record it on today.
func SubjectRequest(t *testing.T, kind consent.RequestKind, received, today string, ids ...uuid.UUID) *consent.SubjectRequest {
	t.Helper()
	r := &consent.SubjectRequest{Kind: kind, Received: day(received), Reference: "email from the requester, ticket " + received,
		ConsentIDs: ids, Note: "asked by post too", CreatedAt: time.Now().UTC().Truncate(time.Microsecond), CreatedBy: "dpo@shop.example"}
	if err := r.Validate(day(today)); err != nil {
		t.Fatal(err)
	}
	return r
}

// testSubjectRequests: requests keep every field, list open ones soonest due
// first and answered ones newest answer first, and count what is overdue
// and due soon; an answer or an extension is kept with who and when.
func testSubjectRequests(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.Request(ctx, 1); consent.ErrorCode(err) != consent.ENotFound {
		t.Fatalf("no request yet: %v", err)
	}
	today := "2026-03-10"
	ids := []uuid.UUID{uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())}
	late := SubjectRequest(t, consent.RequestErasure, "2026-01-31", today, ids...) // due 2026-02-28: overdue
	soon := SubjectRequest(t, consent.RequestAccess, "2026-02-14", today)          // due 2026-03-14: due soon
	later := SubjectRequest(t, consent.RequestObjection, "2026-03-09", today)      // due 2026-04-09
	same := SubjectRequest(t, consent.RequestOther, "2026-02-14", today)           // due 2026-03-14, after soon by ID
	for _, r := range []*consent.SubjectRequest{later, late, soon, same} {
		if err := s.AddRequest(ctx, r); err != nil || r.ID == 0 {
			t.Fatalf("add: id %d, %v", r.ID, err)
		}
	}
	got, err := s.Request(ctx, late.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, late) {
		t.Errorf("read back\n %+v\nwant\n %+v", got, late)
	}
	open, err := s.OpenRequests(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{late.ID, soon.ID, same.ID, later.ID}; !reflect.DeepEqual(requestIDs(open), want) {
		t.Errorf("open requests %v, want by due date %v", requestIDs(open), want)
	}
	if open, _ := s.OpenRequests(ctx, 2); len(open) != 2 {
		t.Errorf("limit 2: %d", len(open))
	}
	if about, err := s.RequestsAbout(ctx, ids[1]); err != nil || !reflect.DeepEqual(requestIDs(about), []int64{late.ID}) {
		t.Errorf("requests about %s: %v %v, want %d", ids[1], requestIDs(about), err, late.ID)
	}
	if about, err := s.RequestsAbout(ctx, uuid.Must(uuid.NewV7())); err != nil || len(about) != 0 {
		t.Errorf("requests about an unnamed consent ID: %v %v", requestIDs(about), err)
	}
	if o, d, err := s.RequestsDue(ctx, day(today), consent.DueSoonDays); err != nil || o != 1 || d != 2 {
		t.Errorf("due: %d overdue, %d soon, %v; want 1, 2", o, d, err)
	}

	// Extend the one due soon by two months; answer the overdue one.
	at := time.Now().UTC().Truncate(time.Microsecond)
	x := consent.RequestExtension{Months: 2, Reason: "many records to gather", At: at, By: "dpo@shop.example"}
	if err := s.ExtendRequest(ctx, soon.ID, day("2026-05-14"), x); err != nil {
		t.Fatal(err)
	}
	ans := consent.RequestAnswer{On: day("2026-03-09"), Outcome: "erased, confirmed by email", At: at, By: "admin@shop.example"}
	if err := s.AnswerRequest(ctx, late.ID, ans); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Request(ctx, soon.ID); got.Due != day("2026-05-14") || got.Extension == nil || *got.Extension != x || got.Answer != nil {
		t.Errorf("extended: %+v", got)
	}
	if got, _ := s.Request(ctx, late.ID); got.Answer == nil || *got.Answer != ans || got.State(day(today)) != consent.StateAnsweredLate {
		t.Errorf("answered: %+v", got)
	}
	open, _ = s.OpenRequests(ctx, 100)
	if want := []int64{same.ID, later.ID, soon.ID}; !reflect.DeepEqual(requestIDs(open), want) {
		t.Errorf("open after changes %v, want %v", requestIDs(open), want)
	}
	if o, d, _ := s.RequestsDue(ctx, day(today), consent.DueSoonDays); o != 0 || d != 1 {
		t.Errorf("due after changes: %d overdue, %d soon; want 0, 1", o, d)
	}
	ans2 := consent.RequestAnswer{On: day(today), Outcome: "nothing held", At: at.Add(time.Second), By: "dpo@shop.example"}
	if err := s.AnswerRequest(ctx, later.ID, ans2); err != nil {
		t.Fatal(err)
	}
	answered, err := s.AnsweredRequests(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{later.ID, late.ID}; !reflect.DeepEqual(requestIDs(answered), want) {
		t.Errorf("answered %v, want newest answer first %v", requestIDs(answered), want)
	}
	if err := s.AnswerRequest(ctx, 9999, ans); consent.ErrorCode(err) != consent.ENotFound {
		t.Errorf("answering a request that does not exist: %v", err)
	}
	if err := s.ExtendRequest(ctx, 9999, day(today), x); consent.ErrorCode(err) != consent.ENotFound {
		t.Errorf("extending a request that does not exist: %v", err)
	}
}

func requestIDs(rs []*consent.SubjectRequest) []int64 {
	var out []int64
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

// testSubjectRequestOnce: of two people answering, or extending, the same
// request at once, exactly one succeeds and the other is refused; an
// answered request cannot be extended.
func testSubjectRequestOnce(t *testing.T, s store.Store) {
	ctx := context.Background()
	r := SubjectRequest(t, consent.RequestAccess, "2026-03-01", "2026-03-10")
	if err := s.AddRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	race := func(do func(i int) error) (ok, refused int) {
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = do(i) }()
		}
		wg.Wait()
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case consent.ErrorCode(err) == consent.EUnprocessed:
				refused++
			default:
				t.Errorf("unexpected: %v", err)
			}
		}
		return ok, refused
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	if ok, refused := race(func(i int) error {
		return s.ExtendRequest(ctx, r.ID, day("2026-04-01").AddDate(0, i%2, 0), consent.RequestExtension{Months: 1 + i%2, Reason: "r", At: now, By: "a"})
	}); ok != 1 || refused != 7 {
		t.Errorf("extending at once: %d succeeded, %d refused; want 1, 7", ok, refused)
	}
	if ok, refused := race(func(i int) error {
		return s.AnswerRequest(ctx, r.ID, consent.RequestAnswer{On: day("2026-03-10"), Outcome: "sent", At: now, By: "a"})
	}); ok != 1 || refused != 7 {
		t.Errorf("answering at once: %d succeeded, %d refused; want 1, 7", ok, refused)
	}
	r2 := SubjectRequest(t, consent.RequestAccess, "2026-03-01", "2026-03-10")
	if err := s.AddRequest(ctx, r2); err != nil {
		t.Fatal(err)
	}
	if err := s.AnswerRequest(ctx, r2.ID, consent.RequestAnswer{On: day("2026-03-10"), Outcome: "sent", At: now, By: "a"}); err != nil {
		t.Fatal(err)
	}
	if err := s.ExtendRequest(ctx, r2.ID, day("2026-05-01"), consent.RequestExtension{Months: 1, Reason: "r", At: now, By: "a"}); consent.ErrorCode(err) != consent.EUnprocessed {
		t.Errorf("extending an answered request: %v", err)
	}
}
