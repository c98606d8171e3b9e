// Runs an in-process Neo4j (neo4j-harness) with Bolt and HTTP on fixed loopback addresses and auth
// on, for polystore's tests; scripts/services.sh starts it and stops it with SIGTERM.
//
// Usage: java -cp 'lib/*:classes' Launcher <work-dir> <bolt host:port> <http host:port> <ready-file>
// The password of user "neo4j" comes from the environment variable NEO4J_PASSWORD (8+ chars).

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;
import org.neo4j.io.ByteUnit;

public final class Launcher {
    private Launcher() {}

    private static SocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected host:port, got " + hostPort);
        }
        return new SocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: Launcher <work-dir> <bolt host:port> <http host:port> <ready-file>");
            System.exit(2);
        }
        Path workDir = Path.of(args[0]);
        Path ready = Path.of(args[3]);
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            System.err.println("NEO4J_PASSWORD must be set to 8 or more characters");
            System.exit(2);
        }
        Files.deleteIfExists(ready);
        Files.createDirectories(workDir);

        // The harness turns auth off by default; tests must prove the adapter logs in, so it is on.
        Neo4j neo4j = Neo4jBuilders.newInProcessBuilder(workDir)
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, address(args[1]))
                .withConfig(BoltConnector.advertised_address, address(args[1]))
                .withConfig(HttpConnector.enabled, true)
                .withConfig(HttpConnector.listen_address, address(args[2]))
                .withConfig(GraphDatabaseSettings.auth_enabled, true)
                .withConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(128))
                .build();

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(ready);
            } catch (Exception ignored) {
                // The marker is advisory; the script also checks the process and the port.
            }
            neo4j.close();
        }));

        // Embedded calls bypass auth, so the system database accepts the password change directly;
        // the default "neo4j" password would otherwise force a change on first Bolt login.
        neo4j.databaseManagementService()
                .database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME)
                .executeTransactionally(
                        "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));

        Files.writeString(ready, neo4j.boltURI().toString() + "\n");
        System.out.println("neo4j ready: bolt " + neo4j.boltURI() + ", http " + neo4j.httpURI());
        new CountDownLatch(1).await();
    }
}
