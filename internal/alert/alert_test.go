package alert

import (
	"errors"
	"fmt"
	"testing"
)

func TestAlertNamesAndErrors(t *testing.T) {
	if BadRecordMAC.String() != "bad_record_mac" || Alert(200).String() != "alert(200)" {
		t.Fatal("alert names")
	}
	if Alert(200).Known() || !DecodeError.Known() {
		t.Fatal("Known")
	}
	err := fmt.Errorf("outer: %w", New(IllegalParameter, "bad %s", "thing"))
	if a, ok := Of(err); !ok || a != IllegalParameter {
		t.Fatalf("Of = %v, %v", a, ok)
	}
	if err.Error() != "outer: hush: bad thing" {
		t.Fatalf("message %q", err.Error())
	}
	if _, ok := Of(errors.New("plain")); ok {
		t.Fatal("a plain error carries no alert")
	}
	if Wrap(DecryptError, nil) != nil {
		t.Fatal("Wrap(nil) must be nil")
	}
}
