package io.factorytwin.cli;

import io.factorytwin.twin.v1.AnalyzeImpactRequest;
import io.factorytwin.twin.v1.AnalyzeImpactResponse;
import io.factorytwin.twin.v1.EdgeKind;
import io.factorytwin.twin.v1.GetKpisRequest;
import io.factorytwin.twin.v1.GetLatestValuesRequest;
import io.factorytwin.twin.v1.GetLatestValuesResponse;
import io.factorytwin.twin.v1.GroupImpact;
import io.factorytwin.twin.v1.Insight;
import io.factorytwin.twin.v1.Kpis;
import io.factorytwin.twin.v1.ListInsightsRequest;
import io.factorytwin.twin.v1.ListInsightsResponse;
import io.factorytwin.twin.v1.ListNodesRequest;
import io.factorytwin.twin.v1.ListNodesResponse;
import io.factorytwin.twin.v1.ListPointsRequest;
import io.factorytwin.twin.v1.ListPointsResponse;
import io.factorytwin.twin.v1.Node;
import io.factorytwin.twin.v1.Path;
import io.factorytwin.twin.v1.Point;
import io.factorytwin.twin.v1.PointValue;
import io.factorytwin.twin.v1.RackImpact;
import io.factorytwin.twin.v1.TraverseDirection;
import io.factorytwin.twin.v1.TraverseRequest;
import io.factorytwin.twin.v1.TraverseResponse;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.factorytwin.twin.v1.WatchFilter;
import io.factorytwin.twin.v1.WatchRequest;
import io.factorytwin.twin.v1.WatchResponse;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** factoryctl twin: read the twin's graph, failure impact, points and insights. */
@Command(
    name = "twin",
    mixinStandardHelpOptions = true,
    description = "Query twin-service: nodes, traces, failure impact, points and insights.",
    subcommands = {
      TwinCommand.Nodes.class,
      TwinCommand.Trace.class,
      TwinCommand.Impact.class,
      TwinCommand.Points.class,
      TwinCommand.Insights.class,
      TwinCommand.KpisCommand.class,
      TwinCommand.WatchCommand.class
    })
final class TwinCommand {

  private TwinCommand() {}

  static <T> T withTwin(
      Connection connection, Function<TwinServiceGrpc.TwinServiceBlockingStub, T> work) {
    return connection.call(Connection.Service.TWIN, TwinServiceGrpc::newBlockingStub, work);
  }

  /** `twins/{twin}` from a bare twin id or a twin name. */
  static String twinName(String twin) {
    return twin.startsWith("twins/") ? twin : "twins/" + twin;
  }

  /** `twins/{twin}/nodes/{node}` from a twin and a bare node id, or a full node name. */
  static String nodeName(String twin, String node) {
    return node.startsWith("twins/") ? node : twinName(twin) + "/nodes/" + node;
  }

  /** The last segment of a resource name, for tables. */
  static String shortName(String name) {
    return name.substring(name.lastIndexOf('/') + 1);
  }

  @Command(name = "nodes", mixinStandardHelpOptions = true, description = "List nodes, one page.")
  static final class Nodes implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The twin: an id or twins/{twin}.")
    String twin;

    @Option(
        names = "--filter",
        description = "AIP-160 filter, such as equipment_class = EQUIPMENT_CLASS_CDU.")
    String filter = "";

    @Option(names = "--page-size", description = "Nodes per page (server default 50).")
    int pageSize;

    @Option(names = "--page-token", description = "next_page_token of the previous page.")
    String pageToken = "";

    @Override
    public Integer call() {
      ListNodesResponse response =
          withTwin(
              connection,
              stub ->
                  stub.listNodes(
                      ListNodesRequest.newBuilder()
                          .setParent(twinName(twin))
                          .setFilter(filter)
                          .setPageSize(pageSize)
                          .setPageToken(pageToken)
                          .build()));
      Output.page(
          connection.output,
          spec.commandLine().getOut(),
          response,
          List.of("NODE", "CLASS", "DISPLAY NAME", "PART REVISION", "GROUPS"),
          response.getNodesList(),
          (Node node) ->
              List.of(
                  shortName(node.getName()),
                  node.getEquipmentClass().name().replace("EQUIPMENT_CLASS_", ""),
                  node.getDisplayName(),
                  node.getPartRevision(),
                  String.join(",", node.getRedundancyGroupsList())),
          response.getNextPageToken());
      return 0;
    }
  }

  @Command(
      name = "trace",
      mixinStandardHelpOptions = true,
      description = "Paths from a node up to its sources (or down with --down).")
  static final class Trace implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The twin: an id or twins/{twin}.")
    String twin;

    @Parameters(index = "1", description = "The start node: an id or a node name.")
    String node;

    @Option(names = "--down", description = "Walk towards consumers instead of sources.")
    boolean down;

    @Option(
        names = "--kind",
        description = "Edge kinds to follow, such as FEEDS_POWER; default all but CONTAINS.")
    List<String> kinds = new ArrayList<>();

    @Option(names = "--max-depth", description = "Most edges in a path (server default 64).")
    int maxDepth;

    @Override
    public Integer call() {
      TraverseRequest.Builder request =
          TraverseRequest.newBuilder()
              .setStartNode(nodeName(twin, node))
              .setDirection(
                  down
                      ? TraverseDirection.TRAVERSE_DIRECTION_DOWN
                      : TraverseDirection.TRAVERSE_DIRECTION_UP)
              .setMaxDepth(maxDepth)
              .setPageSize(1000);
      for (String kind : kinds) {
        String name = kind.toUpperCase(Locale.ROOT);
        try {
          request.addEdgeKinds(
              EdgeKind.valueOf(name.startsWith("EDGE_KIND_") ? name : "EDGE_KIND_" + name));
        } catch (IllegalArgumentException e) {
          throw new CliException(
              "unknown edge kind '"
                  + kind
                  + "': expected CONTAINS, FEEDS_POWER, SUPPLIES_COOLANT, RETURNS_COOLANT,"
                  + " COOLS_AIR or MEASURES");
        }
      }
      TraverseResponse response = withTwin(connection, stub -> stub.traverse(request.build()));
      if (connection.output == Connection.OutputFormat.json) {
        Output.json(spec.commandLine().getOut(), response);
        return 0;
      }
      String arrow = down ? " > " : " < ";
      for (Path path : response.getPathsList()) {
        List<String> nodes = path.getNodesList().stream().map(TwinCommand::shortName).toList();
        spec.commandLine().getOut().println(String.join(arrow, nodes));
      }
      return 0;
    }
  }

  @Command(
      name = "impact",
      mixinStandardHelpOptions = true,
      description = "Racks that lose power, cooling or redundancy when the given nodes fail.")
  static final class Impact implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The twin: an id or twins/{twin}.")
    String twin;

    @Parameters(index = "1..*", arity = "1..*", description = "Failed nodes: ids or node names.")
    List<String> failed;

    @Override
    public Integer call() {
      AnalyzeImpactRequest.Builder request =
          AnalyzeImpactRequest.newBuilder().setParent(twinName(twin));
      failed.forEach(node -> request.addFailedNodes(nodeName(twin, node)));
      AnalyzeImpactResponse response =
          withTwin(connection, stub -> stub.analyzeImpact(request.build()));
      if (connection.output == Connection.OutputFormat.json) {
        Output.json(spec.commandLine().getOut(), response);
        return 0;
      }
      List<List<String>> rows = new ArrayList<>();
      for (RackImpact rack : response.getAffectedRacksList()) {
        rows.add(
            List.of(
                shortName(rack.getRack()),
                String.join(
                    ",",
                    rack.getImpactsList().stream()
                        .map(kind -> kind.name().replace("IMPACT_KIND_", ""))
                        .toList()),
                rack.hasCapacityMarginKw()
                    ? String.format(Locale.ROOT, "%.0f", rack.getCapacityMarginKw())
                    : "-",
                rack.getReason()));
      }
      Output.table(
          spec.commandLine().getOut(), List.of("RACK", "IMPACT", "MARGIN KW", "REASON"), rows);
      List<List<String>> groups = new ArrayList<>();
      for (GroupImpact group : response.getGroupsList()) {
        groups.add(
            List.of(
                group.getGroup(),
                group.getDeclaredRedundancy().name().replace("REDUNDANCY_", ""),
                String.join(
                    ",",
                    group.getFailedMembersList().stream().map(TwinCommand::shortName).toList()),
                String.format(Locale.ROOT, "%.0f", group.getRemainingCapacityKw()),
                String.format(Locale.ROOT, "%.0f", group.getLoadKw())));
      }
      spec.commandLine().getOut().println();
      Output.table(
          spec.commandLine().getOut(),
          List.of("GROUP", "REDUNDANCY", "LOST", "LEFT KW", "LOAD KW"),
          groups);
      spec.commandLine()
          .getOut()
          .printf(
              "%d of %d racks affected%n",
              response.getAffectedRacksCount(), response.getEvaluatedRackCount());
      return 0;
    }
  }

  @Command(
      name = "points",
      mixinStandardHelpOptions = true,
      description = "The points of a node with their latest values.")
  static final class Points implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The twin: an id or twins/{twin}.")
    String twin;

    @Parameters(index = "1", description = "The node: an id or a node name.")
    String node;

    @Override
    public Integer call() {
      String filter = "node = \"" + nodeName(twin, node) + "\"";
      ListPointsResponse points =
          withTwin(
              connection,
              stub ->
                  stub.listPoints(
                      ListPointsRequest.newBuilder()
                          .setParent(twinName(twin))
                          .setFilter(filter)
                          .setPageSize(1000)
                          .build()));
      GetLatestValuesResponse values =
          withTwin(
              connection,
              stub ->
                  stub.getLatestValues(
                      GetLatestValuesRequest.newBuilder()
                          .setParent(twinName(twin))
                          .setFilter(filter)
                          .setPageSize(1000)
                          .build()));
      if (connection.output == Connection.OutputFormat.json) {
        Output.json(spec.commandLine().getOut(), points);
        Output.json(spec.commandLine().getOut(), values);
        return 0;
      }
      java.util.Map<String, PointValue> byName = new java.util.HashMap<>();
      values.getValuesList().forEach(value -> byName.put(value.getPoint(), value));
      List<List<String>> rows = new ArrayList<>();
      for (Point point : points.getPointsList()) {
        PointValue value = byName.get(point.getName());
        rows.add(
            List.of(
                shortName(point.getName()),
                point.getKind().name().replace("KIND_", ""),
                value != null && value.hasValue()
                    ? String.format(Locale.ROOT, "%.3f", value.getValue())
                    : "-",
                point.getUnit(),
                point.getDsxObjectType().isEmpty()
                    ? ""
                    : point.getDsxObjectType() + "/" + point.getDsxPointType()));
      }
      Output.table(
          spec.commandLine().getOut(), List.of("POINT", "KIND", "VALUE", "UNIT", "DSX"), rows);
      return 0;
    }
  }

  @Command(name = "insights", mixinStandardHelpOptions = true, description = "List insights.")
  static final class Insights implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The twin: an id or twins/{twin}.")
    String twin;

    @Option(names = "--filter", description = "AIP-160 filter, such as state != STATE_RESOLVED.")
    String filter = "";

    @Option(names = "--page-size", description = "Insights per page (server default 50).")
    int pageSize;

    @Option(names = "--page-token", description = "next_page_token of the previous page.")
    String pageToken = "";

    @Override
    public Integer call() {
      ListInsightsResponse response =
          withTwin(
              connection,
              stub ->
                  stub.listInsights(
                      ListInsightsRequest.newBuilder()
                          .setParent(twinName(twin))
                          .setFilter(filter)
                          .setPageSize(pageSize)
                          .setPageToken(pageToken)
                          .build()));
      Output.page(
          connection.output,
          spec.commandLine().getOut(),
          response,
          List.of("INSIGHT", "STATE", "SEVERITY", "SUMMARY", "OBSERVED / LIMIT"),
          response.getInsightsList(),
          (Insight insight) ->
              List.of(
                  shortName(insight.getName()),
                  insight.getState().name().replace("STATE_", ""),
                  insight.getSeverity().name().replace("SEVERITY_", ""),
                  insight.getSummary(),
                  String.format(
                      Locale.ROOT,
                      "%.2f / %.2f",
                      insight.getObservedValue(),
                      insight.getThresholdValue())),
          response.getNextPageToken());
      return 0;
    }
  }

  @Command(name = "kpis", mixinStandardHelpOptions = true, description = "The twin's live KPIs.")
  static final class KpisCommand implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The twin: an id or twins/{twin}.")
    String twin;

    @Override
    public Integer call() {
      Kpis kpis =
          withTwin(
              connection,
              stub -> stub.getKpis(GetKpisRequest.newBuilder().setTwin(twinName(twin)).build()));
      if (connection.output == Connection.OutputFormat.json) {
        Output.json(spec.commandLine().getOut(), kpis);
        return 0;
      }
      List<List<String>> rows = new ArrayList<>();
      rows.add(
          List.of("PUE", kpis.hasPue() ? String.format(Locale.ROOT, "%.3f", kpis.getPue()) : "-"));
      rows.add(
          List.of(
              "tokens per watt",
              kpis.hasTokensPerWatt()
                  ? String.format(Locale.ROOT, "%.3f", kpis.getTokensPerWatt())
                  : "-"));
      rows.add(
          List.of(
              "IT power kW",
              kpis.hasItPowerKw() ? String.format(Locale.ROOT, "%.1f", kpis.getItPowerKw()) : "-"));
      rows.add(
          List.of(
              "cooling power kW",
              kpis.hasCoolingPowerKw()
                  ? String.format(Locale.ROOT, "%.1f", kpis.getCoolingPowerKw())
                  : "-"));
      rows.add(
          List.of(
              "facility power kW",
              kpis.hasFacilityPowerKw()
                  ? String.format(Locale.ROOT, "%.1f", kpis.getFacilityPowerKw())
                  : "-"));
      Output.table(spec.commandLine().getOut(), List.of("KPI", "VALUE"), rows);
      return 0;
    }
  }

  @Command(
      name = "watch",
      mixinStandardHelpOptions = true,
      description = "Print the twin's changes as they happen, one line each, until interrupted.")
  static final class WatchCommand implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The twin: an id or twins/{twin}.")
    String twin;

    @Option(names = "--node", description = "Watch only this node and what it contains.")
    List<String> nodes = new ArrayList<>();

    @Option(
        names = "--point-type",
        description = "Watch only points of this type, such as rack-power.")
    List<String> pointTypes = new ArrayList<>();

    @Option(names = "--snapshot", description = "Start with the current values.")
    boolean snapshot;

    @Option(
        names = "--max-messages",
        description = "Stop after this many messages (default: never).")
    long maxMessages = Long.MAX_VALUE;

    @Override
    public Integer call() {
      WatchFilter.Builder filter = WatchFilter.newBuilder().addAllPointTypes(pointTypes);
      nodes.forEach(node -> filter.addNodes(nodeName(twin, node)));
      ManagedChannel channel = connection.open(Connection.Service.TWIN);
      try {
        // No deadline: a watch runs until interrupted; the server's keepalives show it is alive.
        java.util.Iterator<WatchResponse> stream =
            TwinServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(connection.credentials())
                .watch(
                    WatchRequest.newBuilder()
                        .setParent(twinName(twin))
                        .setFilter(filter)
                        .setIncludeSnapshot(snapshot)
                        .build());
        java.io.PrintWriter out = spec.commandLine().getOut();
        for (long count = 0; count < maxMessages && stream.hasNext(); count++) {
          WatchResponse message = stream.next();
          if (connection.output == Connection.OutputFormat.json) {
            Output.json(out, message);
            continue;
          }
          switch (message.getEventCase()) {
            case VALUES_CHANGED ->
                message
                    .getValuesChanged()
                    .getValuesList()
                    .forEach(
                        value ->
                            out.printf(
                                Locale.ROOT,
                                "value     %s = %.3f%s%n",
                                shortName(value.getPoint()),
                                value.getValue(),
                                message.getValuesChanged().getConflated() ? " (conflated)" : ""));
            case SETPOINT_CHANGED ->
                out.printf(
                    Locale.ROOT,
                    "setpoint  %s = %.3f (was %.3f, %s)%n",
                    shortName(message.getSetpointChanged().getPoint()),
                    message.getSetpointChanged().getValue(),
                    message.getSetpointChanged().getPreviousValue(),
                    message.getSetpointChanged().getAction());
            case INSIGHT_CHANGED ->
                out.printf(
                    "insight   %s %s: %s%n",
                    message.getInsightChanged().getState().name().replace("STATE_", ""),
                    message.getInsightChanged().getSeverity().name().replace("SEVERITY_", ""),
                    message.getInsightChanged().getSummary());
            case REVISION_SWITCHED ->
                out.printf("revision  now %s%n", message.getRevisionSwitched().getActiveRevision());
            case LAGGED ->
                out.printf(
                    "lagged    %d value changes conflated%n",
                    message.getLagged().getDroppedValueChanges());
            case RESUME_TOKEN_EXPIRED ->
                out.println("expired   changes before this point are gone");
            default -> {}
          }
          out.flush();
        }
      } finally {
        Connection.close(channel);
      }
      return 0;
    }
  }
}
