package ctsearch.opensearch;

import static org.codelibs.opensearch.runner.OpenSearchRunner.newConfigs;

import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * Starts one real OpenSearch 2.19 node in this JVM for local development and tests.
 *
 * <p>Usage: {@code LocalNode HOME HTTP_PORT}. Data and logs live under HOME (an ignored var/
 * folder of the project), so they survive restarts. The node binds to loopback only and runs
 * as a one-node cluster; it stops cleanly on SIGTERM.
 */
public final class LocalNode {
  private LocalNode() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: LocalNode HOME HTTP_PORT");
      System.exit(2);
    }
    String home = args[0];
    int httpPort = Integer.parseInt(args[1]);

    OpenSearchRunner runner = new OpenSearchRunner();
    // The port is fixed by http.port below; if it is taken, binding fails loudly instead of the
    // runner quietly moving to the next free port.
    runner.setMaxHttpPort(-1);
    runner.onBuild(
        (index, settings) -> {
          settings.put("network.host", "127.0.0.1");
          settings.put("http.port", httpPort);
          settings.put("transport.port", httpPort + 100);
          // A development box often has little free disk; never turn indices read-only for it.
          settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
          settings.put("action.destructive_requires_name", true);
        });
    runner.build(
        newConfigs()
            .basePath(home)
            .numOfNode(1)
            .baseHttpPort(httpPort - 1)
            .clusterName("ctsearch")
            .useLogger());
    runner.ensureYellow();
    System.out.println("ctsearch OpenSearch node ready on http://127.0.0.1:" + httpPort);

    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    runner.close();
                  } catch (Exception e) {
                    e.printStackTrace();
                  }
                }));
    Thread.currentThread().join();
  }
}
