package ctsearch.opensearch;

import static org.codelibs.opensearch.runner.OpenSearchRunner.newConfigs;

import java.util.ArrayList;
import java.util.List;
import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * Starts one real OpenSearch 2.19 node in this JVM for local development and tests.
 *
 * <p>Usage: {@code LocalNode HOME HTTP_PORT [CLUSTER_HTTP_PORTS]}. Data and logs live under HOME
 * (an ignored var/ folder of the project), so they survive restarts. The node binds to loopback
 * only and stops cleanly on SIGTERM. Its transport port is HTTP_PORT + 100.
 *
 * <p>Without CLUSTER_HTTP_PORTS it is a one-node cluster. With them (a comma-separated list of
 * every member's HTTP port, this one's included; ops/cluster.sh passes it) the node is named
 * {@code node-HTTP_PORT}, finds the others on their transport ports and bootstraps a cluster
 * with all of them as cluster-manager-eligible members, so that any one may be lost.
 */
public final class LocalNode {
  private LocalNode() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2 && args.length != 3) {
      System.err.println("usage: LocalNode HOME HTTP_PORT [CLUSTER_HTTP_PORTS]");
      System.exit(2);
    }
    String home = args[0];
    int httpPort = Integer.parseInt(args[1]);
    List<String> seeds = new ArrayList<>();
    List<String> managers = new ArrayList<>();
    if (args.length == 3) {
      for (String port : args[2].split(",")) {
        int member = Integer.parseInt(port.trim());
        seeds.add("127.0.0.1:" + (member + 100));
        managers.add("node-" + member);
      }
    }
    boolean clustered = !seeds.isEmpty();

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
          if (clustered) {
            settings.put("node.name", "node-" + httpPort);
            settings.putList("discovery.seed_hosts", seeds);
            // Only read when the cluster forms for the first time (empty data directories).
            settings.putList("cluster.initial_cluster_manager_nodes", managers);
          }
        });
    runner.build(
        newConfigs()
            .basePath(home)
            .numOfNode(1)
            .baseHttpPort(httpPort - 1)
            .clusterName(clustered ? "ctsearch-cluster" : "ctsearch")
            .pluginTypes(CtsearchPlugin.class.getName())
            .useLogger());
    try {
      runner.ensureYellow();
      System.out.println("ctsearch OpenSearch node ready on http://127.0.0.1:" + httpPort);
    } catch (RuntimeException e) {
      // The runner waits 30 s. A restarted node recovering many shards on a busy machine (or
      // a cluster member whose peers are still starting) takes longer: that is no reason to
      // exit. ops/services.sh and ops/cluster.sh wait for the health they need.
      System.out.println("ctsearch OpenSearch node started; the cluster is not yellow yet");
    }

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
