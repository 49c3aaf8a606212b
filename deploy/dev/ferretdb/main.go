// Dev/test MongoDB-compatible server: FerretDB v1 embedded through its public `ferretdb` package
// (built by ../ferretdb.sh, which writes go.mod; see there why not `go install .../cmd/ferretdb`).
//
// Usage: ferretdb-dev serve HOST:PORT SQLITE_DIR | ferretdb-dev ping MONGODB_URL
// Env FERRETDB_POSTGRESQL_URL (optional) switches to the PostgreSQL backend at that URL.
package main

import (
	"context"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

func main() {
	switch {
	case len(os.Args) == 3 && os.Args[1] == "ping": // a real MongoDB ping, so the script needs no mongosh
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		c, err := mongo.Connect(ctx, options.Client().ApplyURI(os.Args[2]).SetServerSelectionTimeout(2*time.Second))
		if err == nil { // no Disconnect: it sends endSessions, which FerretDB v1 rejects (log noise)
			err = c.Database("admin").RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}).Err()
		}
		if err != nil {
			log.Fatal(err)
		}

	case len(os.Args) == 4 && os.Args[1] == "serve":
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		pgURL, handler := os.Getenv("FERRETDB_POSTGRESQL_URL"), "sqlite"
		if pgURL != "" { // opt-in: much faster on non-_id filters, but needs a running PostgreSQL
			handler = "postgresql"
		}
		// Embedded mode runs no telemetry reporter: telemetry is disabled and locked, no state file.
		f, err := ferretdb.New(&ferretdb.Config{
			Listener: ferretdb.ListenerConfig{TCP: os.Args[2]},
			// Warn: no per-connection lines, but every failed/unsupported command is still logged.
			Logger:        slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
			Handler:       handler,
			SQLiteURL:     "file:" + os.Args[3] + "/", // a directory: one SQLite file per database
			PostgreSQLURL: pgURL,
		})
		if err != nil {
			log.Fatal(err)
		}
		log.Printf("serving %s (%s backend)", f.MongoDBURI(), handler)
		_ = f.Run(ctx) // returns on SIGTERM/SIGINT after closing the backend cleanly

	default:
		log.Fatal("usage: ferretdb-dev serve HOST:PORT SQLITE_DIR | ping MONGODB_URL")
	}
}
