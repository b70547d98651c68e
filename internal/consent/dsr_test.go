package consent_test

import (
	"testing"
	"time"

	"github.com/consentry/consentry/internal/consent"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestDueDate: one calendar month, clamped to the last day of a shorter
// month; an extension counts from the day received.
func TestDueDate(t *testing.T) {
	for _, tc := range []struct {
		received string
		months   int
		due      string
	}{
		{"2026-01-15", 1, "2026-02-15"},
		{"2026-01-31", 1, "2026-02-28"},
		{"2028-01-31", 1, "2028-02-29"}, // leap year
		{"2026-01-29", 1, "2026-02-28"},
		{"2026-01-28", 1, "2026-02-28"},
		{"2026-02-28", 1, "2026-03-28"},
		{"2026-03-31", 1, "2026-04-30"},
		{"2026-04-30", 1, "2026-05-30"},
		{"2026-08-31", 1, "2026-09-30"},
		{"2026-12-31", 1, "2027-01-31"},
		{"2026-12-15", 1, "2027-01-15"},
		{"2026-01-31", 3, "2026-04-30"}, // extended by two: not 28 April
		{"2026-11-30", 3, "2027-02-28"},
		{"2027-11-30", 3, "2028-02-29"},
		{"2026-10-31", 2, "2026-12-31"},
	} {
		if got := consent.DueDate(date(tc.received), tc.months).Format(time.DateOnly); got != tc.due {
			t.Errorf("DueDate(%s, %d) = %s, want %s", tc.received, tc.months, got, tc.due)
		}
	}
}

func TestRequestLifecycle(t *testing.T) {
	today := date("2026-03-10")
	r := &consent.SubjectRequest{ID: 7, Kind: consent.RequestErasure, Received: date("2026-01-31"), Reference: " ticket 42 "}
	if err := r.Validate(today); err != nil {
		t.Fatal(err)
	}
	if r.Reference != "ticket 42" || r.Due != date("2026-02-28") {
		t.Fatalf("validated %+v", r)
	}
	if st := r.State(today); st != consent.StateOverdue || r.DaysLeft(today) != -10 {
		t.Errorf("on %s: %s, %d days left", today.Format(time.DateOnly), st, r.DaysLeft(today))
	}
	for _, tc := range []struct {
		today string
		state consent.RequestState
		left  int
	}{
		{"2026-02-28", consent.StateDueSoon, 0},
		{"2026-02-21", consent.StateDueSoon, 7},
		{"2026-02-20", consent.StateOpen, 8},
		{"2026-03-01", consent.StateOverdue, -1},
	} {
		if st, left := r.State(date(tc.today)), r.DaysLeft(date(tc.today)); st != tc.state || left != tc.left {
			t.Errorf("on %s: %s, %d days left; want %s, %d", tc.today, st, left, tc.state, tc.left)
		}
	}

	// An extension after the first month is refused; within it, it moves the due date once.
	if err := r.Extend(consent.RequestExtension{Months: 2, Reason: "complex"}, today); consent.ErrorCode(err) != consent.EUnprocessed {
		t.Errorf("late extension: %v", err)
	}
	feb := date("2026-02-20")
	for _, bad := range []consent.RequestExtension{{Months: 3, Reason: "x"}, {Months: 0, Reason: "x"}, {Months: 1, Reason: "  "}} {
		if err := r.Extend(bad, feb); consent.ErrorCode(err) != consent.EInvalid {
			t.Errorf("extend %+v: %v", bad, err)
		}
	}
	if err := r.Extend(consent.RequestExtension{Months: 2, Reason: " many records "}, feb); err != nil {
		t.Fatal(err)
	}
	if r.Due != date("2026-04-30") || r.Extension.Reason != "many records" {
		t.Errorf("extended: due %s, %+v", r.Due.Format(time.DateOnly), r.Extension)
	}
	if err := r.Extend(consent.RequestExtension{Months: 1, Reason: "again"}, feb); consent.ErrorCode(err) != consent.EUnprocessed {
		t.Errorf("a second extension: %v", err)
	}

	// Answers lie between the day received and today.
	for _, bad := range []consent.RequestAnswer{{On: date("2026-01-30"), Outcome: "x"}, {On: date("2026-03-11"), Outcome: "x"}, {On: today, Outcome: ""}, {Outcome: "x"}} {
		if err := r.Answered(bad, today); consent.ErrorCode(err) != consent.EInvalid {
			t.Errorf("answer %+v: %v", bad, err)
		}
	}
	if err := r.Answered(consent.RequestAnswer{On: date("2026-03-09"), Outcome: "erased"}, today); err != nil {
		t.Fatal(err)
	}
	if st := r.State(today); st != consent.StateAnswered {
		t.Errorf("answered within the extension: %s", st)
	}
	if err := r.Answered(consent.RequestAnswer{On: today, Outcome: "again"}, today); consent.ErrorCode(err) != consent.EUnprocessed {
		t.Errorf("a second answer: %v", err)
	}
	late := &consent.SubjectRequest{Received: date("2026-01-01"), Due: date("2026-02-01"), Answer: &consent.RequestAnswer{On: date("2026-02-02")}}
	if st := late.State(today); st != consent.StateAnsweredLate {
		t.Errorf("answered a day late: %s", st)
	}
}

func TestRequestValidate(t *testing.T) {
	today := date("2026-03-10")
	for name, r := range map[string]consent.SubjectRequest{
		"kind":      {Kind: "complaint", Received: today, Reference: "x"},
		"future":    {Kind: consent.RequestAccess, Received: today.AddDate(0, 0, 1), Reference: "x"},
		"no day":    {Kind: consent.RequestAccess, Reference: "x"},
		"reference": {Kind: consent.RequestAccess, Received: today, Reference: " "},
	} {
		if err := r.Validate(today); consent.ErrorCode(err) != consent.EInvalid {
			t.Errorf("%s: %v", name, err)
		}
	}
	ids, err := consent.ParseConsentIDs("0192d1c4-9d43-7a6e-8f1e-3c2b1a0f9e8d, 0192d1c4-9d43-7a6e-8f1e-3c2b1a0f9e8d\n0192d1c4-9d43-7a6e-8f1e-3c2b1a0f9e8e")
	if err != nil || len(ids) != 2 {
		t.Errorf("ParseConsentIDs: %v %v", ids, err)
	}
	if _, err := consent.ParseConsentIDs("not-an-id"); consent.ErrorCode(err) != consent.EInvalid {
		t.Errorf("a bad ID: %v", err)
	}
}
