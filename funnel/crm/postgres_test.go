package crm

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestFromRowsOnPostgreSQL runs the tests of examples/warehouse, which
// read a real PostgreSQL table through FromRows and check it against the
// CSV readers. They live in a module of their own, so that the database
// driver stays out of this module's go.mod, and need a server: with
// FUNNELMATH_PG_DSN set (as .ci/pg.sh sets it, after starting one) this
// test runs them there; without it, it skips and says how to run them,
// unless FUNNELMATH_PG_REQUIRED=1, when a missing server is a failure.
func TestFromRowsOnPostgreSQL(t *testing.T) {
	if os.Getenv("FUNNELMATH_PG_DSN") == "" {
		if os.Getenv("FUNNELMATH_PG_REQUIRED") == "1" {
			t.Fatal("FUNNELMATH_PG_REQUIRED=1 but FUNNELMATH_PG_DSN is not set")
		}
		t.Skip("the PostgreSQL tests need a server: run .ci/pg.sh from the repository's root " +
			"(it starts one in a temporary directory, runs them and stops it), or set " +
			"FUNNELMATH_PG_DSN=postgres://user@host:port/db and run go test ./... here or in examples/warehouse")
	}
	if testing.Short() {
		t.Skip("-short: the PostgreSQL tests build a module of their own")
	}
	dir, err := filepath.Abs(filepath.Join("..", "..", "examples", "warehouse"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "test", "-count=1", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "FUNNELMATH_PG_REQUIRED=1")
	out, err := cmd.CombinedOutput()
	t.Logf("examples/warehouse:\n%s", out)
	if err != nil {
		t.Fatalf("go test in examples/warehouse: %v", err)
	}
}
