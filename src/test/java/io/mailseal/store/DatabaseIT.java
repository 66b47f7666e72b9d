package io.mailseal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.config.IdentityConfig;
import io.mailseal.config.StoreConfig;
import io.mailseal.testing.Postgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The shared store's schema on a real PostgreSQL: migrate, state, and a database that is away. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatabaseIT {
    private static Postgres pg;

    @BeforeAll
    static void server() throws Exception {
        pg = Postgres.create();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    static StoreConfig config(Postgres pg) {
        return new StoreConfig(
                StoreConfig.Type.POSTGRESQL,
                pg.url(),
                Postgres.USER,
                Optional.of(new IdentityConfig.FromFile(pg.passwordFile())),
                4,
                Optional.of("node-a"),
                Duration.ofSeconds(1),
                Duration.ofSeconds(30));
    }

    @Test
    @Order(1)
    void aNewDatabaseNeedsMigratingThenHasTheTablesAndIsUpToDate() throws Exception {
        try (Database db = Database.open(config(pg), "node-a")) {
            Database.Schema before = db.schema();
            assertThat(before.upToDate()).isFalse();
            assertThat(before.current()).isEmpty();
            assertThat(before.describe()).contains("run mailseal store migrate");

            assertThat(db.migrate()).isEqualTo(2);
            assertThat(db.schema().upToDate()).isTrue();
            assertThat(db.schema().describe()).isEqualTo("schema version 2");
            assertThat(db.migrate()).isZero();

            try (Connection c = pg.connect();
                    ResultSet r =
                            c.createStatement()
                                    .executeQuery(
                                            "SELECT table_name FROM information_schema.tables"
                                                    + " WHERE table_schema = 'public' ORDER BY 1")) {
                StringBuilder tables = new StringBuilder();
                while (r.next()) {
                    tables.append(r.getString(1)).append(' ');
                }
                assertThat(tables.toString().split(" "))
                        .contains(
                                "evidence",
                                "evidence_certificate",
                                "harvest",
                                "mailseal_schema_history");
            }
        }
    }

    @Test
    @Order(2)
    void aDatabaseThatIsAwayIsAnExceptionWithinTheTimeoutAndBackWhenItReturns() throws Exception {
        try (Database db = Database.open(config(pg), "node-a")) {
            assertThat(db.schema().upToDate()).isTrue();
            pg.stop();
            try {
                long start = System.nanoTime();
                assertThatThrownBy(db::schema).isInstanceOf(SQLException.class);
                assertThat(Duration.ofNanos(System.nanoTime() - start))
                        .isLessThan(Duration.ofSeconds(5));
            } finally {
                pg.start();
            }
            assertThat(db.schema().upToDate()).isTrue();
        }
    }
}
