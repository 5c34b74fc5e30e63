package io.factorytwin.cli;

import com.google.protobuf.FieldMask;
import io.factorytwin.control.v1.CreateGuardrailRequest;
import io.factorytwin.control.v1.GetGuardrailRequest;
import io.factorytwin.control.v1.Guardrail;
import io.factorytwin.control.v1.ListGuardrailsRequest;
import io.factorytwin.control.v1.ListGuardrailsResponse;
import io.factorytwin.control.v1.UpdateGuardrailRequest;
import io.factorytwin.twin.v1.ListNodesRequest;
import io.factorytwin.twin.v1.ListNodesResponse;
import io.factorytwin.twin.v1.ListPointsRequest;
import io.factorytwin.twin.v1.ListPointsResponse;
import io.factorytwin.twin.v1.Node;
import io.factorytwin.twin.v1.Point;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The guardrail commands of factoryctl control: list, create and set. Interlocks are not set from
 * the command line; `-o json` shows them.
 */
final class ControlGuardrailCommands {

  static final List<String> HEADER =
      List.of(
          "GUARDRAIL",
          "POINT PATTERN",
          "UNIT",
          "MIN",
          "MAX",
          "RATE/MIN",
          "APPROVAL BAND",
          "SAFE DEFAULT",
          "INTERLOCKS",
          "VERSION");

  private ControlGuardrailCommands() {}

  static List<String> row(Guardrail guardrail) {
    // An unset approval edge defaults to the range edge on the server.
    double approvalMin =
        guardrail.hasApprovalMinValue() ? guardrail.getApprovalMinValue() : guardrail.getMinValue();
    double approvalMax =
        guardrail.hasApprovalMaxValue() ? guardrail.getApprovalMaxValue() : guardrail.getMaxValue();
    return List.of(
        guardrail.getName(),
        guardrail.getPointPattern(),
        guardrail.getUnit(),
        Output.number(guardrail.getMinValue()),
        Output.number(guardrail.getMaxValue()),
        Output.number(guardrail.getMaxRatePerMinute()),
        Output.number(approvalMin) + ".." + Output.number(approvalMax),
        Output.number(guardrail.getSafeDefaultValue()),
        Integer.toString(guardrail.getInterlocksCount()),
        Long.toString(guardrail.getVersion()));
  }

  @Command(
      name = "guardrails",
      mixinStandardHelpOptions = true,
      description =
          "List guardrails, one page; create one, change one or derive defaults from the part"
              + " specs with the subcommands.",
      subcommands = {
        ControlGuardrailCommands.Create.class,
        ControlGuardrailCommands.Set.class,
        ControlGuardrailCommands.Defaults.class
      })
  static final class Guardrails implements Callable<Integer> {

    @Mixin Connection connection;

    @Mixin PageOptions page;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--filter",
        description = "AIP-160 filter over point_pattern, unit and update_time.")
    String filter = "";

    @Override
    public Integer call() {
      ListGuardrailsResponse response =
          ControlCommand.withControl(
              connection,
              stub ->
                  stub.listGuardrails(
                      ListGuardrailsRequest.newBuilder()
                          .setFilter(filter)
                          .setPageSize(page.pageSize)
                          .setPageToken(page.pageToken)
                          .build()));
      Output.page(
          connection.output,
          spec.commandLine().getOut(),
          response,
          HEADER,
          response.getGuardrailsList(),
          ControlGuardrailCommands::row,
          response.getNextPageToken());
      return 0;
    }
  }

  /** The limits of a guardrail as options; a null field was not given. */
  static final class Limits {

    @Option(
        names = "--pattern",
        description = "Point-name pattern, such as twins/*/points/*.cdu-*.liquid-temperature-sp.*.")
    String pattern;

    @Option(names = "--unit", description = "Unit of every value, equal to the points' unit.")
    String unit;

    @Option(names = "--min", description = "Lowest allowed setpoint, in --unit.")
    Double min;

    @Option(names = "--max", description = "Highest allowed setpoint, in --unit.")
    Double max;

    @Option(
        names = "--rate",
        description = "Maximum change in --unit per minute of facility time; greater than 0.")
    Double ratePerMinute;

    @Option(
        names = "--approval-min",
        description =
            "Lower edge of the approval band (default --min): below it, autonomous"
                + " proposals wait for an operator.")
    Double approvalMin;

    @Option(
        names = "--approval-max",
        description =
            "Upper edge of the approval band (default --max): above it, autonomous"
                + " proposals wait for an operator.")
    Double approvalMax;

    @Option(
        names = "--safe-default",
        description = "Value a point returns to on lease expiry and emergency stop, in --unit.")
    Double safeDefault;

    @Option(names = "--description", description = "What the limits protect and their source.")
    String description;

    /** Copies the given options into the guardrail and returns the field paths it set. */
    List<String> apply(CommandLine.Model.CommandSpec spec, Guardrail.Builder guardrail) {
      List<String> paths = new ArrayList<>();
      if (pattern != null) {
        guardrail.setPointPattern(pattern);
        paths.add("point_pattern");
      }
      if (unit != null) {
        guardrail.setUnit(unit);
        paths.add("unit");
      }
      if (description != null) {
        guardrail.setDescription(description);
        paths.add("description");
      }
      if (min != null) {
        guardrail.setMinValue(ControlCommand.finite(spec, "--min", min));
        paths.add("min_value");
      }
      if (max != null) {
        guardrail.setMaxValue(ControlCommand.finite(spec, "--max", max));
        paths.add("max_value");
      }
      if (ratePerMinute != null) {
        guardrail.setMaxRatePerMinute(ControlCommand.finite(spec, "--rate", ratePerMinute));
        paths.add("max_rate_per_minute");
      }
      if (approvalMin != null) {
        guardrail.setApprovalMinValue(ControlCommand.finite(spec, "--approval-min", approvalMin));
        paths.add("approval_min_value");
      }
      if (approvalMax != null) {
        guardrail.setApprovalMaxValue(ControlCommand.finite(spec, "--approval-max", approvalMax));
        paths.add("approval_max_value");
      }
      if (safeDefault != null) {
        guardrail.setSafeDefaultValue(ControlCommand.finite(spec, "--safe-default", safeDefault));
        paths.add("safe_default_value");
      }
      return paths;
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Create a guardrail at version 1 (role operator). --pattern, --unit, --min, --max,"
              + " --rate and --safe-default are required.")
  static final class Create implements Callable<Integer> {

    @Mixin Connection connection;

    @Mixin Limits limits;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(
        index = "0",
        description =
            "Guardrail id: lower-case letters, digits and hyphens, starting with a letter.")
    String guardrailId;

    @Option(
        names = "--request-id",
        description = "Idempotency key (a UUID); a retry with the same key creates only once.")
    String requestId;

    @Override
    public Integer call() {
      Guardrail.Builder guardrail = Guardrail.newBuilder();
      List<String> given = limits.apply(spec, guardrail);
      List<String> missing =
          List.of(
                  "point_pattern",
                  "unit",
                  "min_value",
                  "max_value",
                  "max_rate_per_minute",
                  "safe_default_value")
              .stream()
              .filter(path -> !given.contains(path))
              .toList();
      if (!missing.isEmpty()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "missing required options for "
                + String.join(", ", missing)
                + ": create needs --pattern, --unit, --min, --max, --rate and --safe-default");
      }
      CreateGuardrailRequest request =
          CreateGuardrailRequest.newBuilder()
              .setGuardrailId(guardrailId)
              .setGuardrail(guardrail)
              .setRequestId(requestId != null ? requestId : UUID.randomUUID().toString())
              .build();
      Guardrail created =
          ControlCommand.withControl(connection, stub -> stub.createGuardrail(request));
      Output.resource(
          connection.output, spec.commandLine().getOut(), created, HEADER, row(created));
      return 0;
    }
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description =
          "Change the given limits of a guardrail (role operator); its version rises by one and"
              + " new proposals are checked against it.")
  static final class Set implements Callable<Integer> {

    @Mixin Connection connection;

    @Mixin Limits limits;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The guardrail: an id or guardrails/{guardrail}.")
    String guardrail;

    @Option(
        names = "--etag",
        description = "Etag of the guardrail as last read; the call fails ABORTED if it changed.")
    String etag = "";

    @Override
    public Integer call() {
      Guardrail.Builder changed =
          Guardrail.newBuilder()
              .setName(ControlCommand.resourceName("guardrails", guardrail))
              .setEtag(etag);
      List<String> paths = limits.apply(spec, changed);
      if (paths.isEmpty()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "nothing to change: give at least one of --pattern, --unit, --min, --max, --rate,"
                + " --approval-min, --approval-max, --safe-default, --description");
      }
      UpdateGuardrailRequest request =
          UpdateGuardrailRequest.newBuilder()
              .setGuardrail(changed)
              .setUpdateMask(FieldMask.newBuilder().addAllPaths(paths))
              .build();
      Guardrail updated =
          ControlCommand.withControl(connection, stub -> stub.updateGuardrail(request));
      Output.resource(
          connection.output, spec.commandLine().getOut(), updated, HEADER, row(updated));
      return 0;
    }
  }

  @Command(
      name = "defaults",
      mixinStandardHelpOptions = true,
      description =
          "Derive guardrails for a twin's setpoints from the specs of its parts and the ASHRAE"
              + " classes, and print them; --create also creates them (role operator). Setpoint"
              + " types whose specs lack a limit are listed as skipped, with the field to fill in.")
  static final class Defaults implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--twin", required = true, description = "The twin: an id or twins/{twin}.")
    String twin;

    @Option(
        names = "--water-class",
        description =
            "ASHRAE liquid-cooling class of the facility water: W17, W27, W32, W40 or W45"
                + " (default ${DEFAULT-VALUE}). It bounds the heat-rejection supply setpoints.")
    String waterClass = "W32";

    @Option(
        names = "--temperature-rate",
        description =
            "Maximum change of a temperature setpoint in K per minute of facility time (default"
                + " ${DEFAULT-VALUE}); an operating choice, no spec gives one.")
    double temperatureRate = 1.0;

    @Option(
        names = "--speed-rate",
        description =
            "Maximum change of a speed setpoint in % per minute of facility time (default"
                + " ${DEFAULT-VALUE}); an operating choice, no spec gives one.")
    double speedRate = 10.0;

    @Option(names = "--create", description = "Create the guardrails that do not exist yet.")
    boolean create;

    @Override
    public Integer call() {
      String twinName = TwinCommand.twinName(twin);
      try {
        GuardrailDefaults.waterClassLimitC(waterClass);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      ControlCommand.finite(spec, "--temperature-rate", temperatureRate);
      ControlCommand.finite(spec, "--speed-rate", speedRate);
      if (temperatureRate <= 0 || speedRate <= 0) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--temperature-rate and --speed-rate must be greater than 0");
      }

      GuardrailDefaults.Result result =
          GuardrailDefaults.derive(
              twinName,
              setpoints(twinName),
              nodes(twinName),
              new GuardrailDefaults.Options(waterClass, temperatureRate, speedRate));

      List<List<String>> rows = new ArrayList<>();
      List<Guardrail> named = new ArrayList<>();
      for (GuardrailDefaults.Derived derived : result.guardrails()) {
        String state = create ? create(twinName, derived) : "";
        Guardrail guardrail =
            derived.guardrail().toBuilder().setName("guardrails/" + derived.guardrailId()).build();
        named.add(guardrail);
        List<String> row = new ArrayList<>(row(guardrail));
        row.add(create ? state : guardrail.getDescription());
        rows.add(row);
      }

      List<String> header = new ArrayList<>(HEADER);
      header.add(create ? "RESULT" : "BASIS");
      if (connection.output == Connection.OutputFormat.json) {
        named.forEach(guardrail -> Output.json(spec.commandLine().getOut(), guardrail));
      } else {
        Output.table(spec.commandLine().getOut(), header, rows);
      }
      for (String skipped : result.skipped()) {
        spec.commandLine().getErr().println("skipped " + skipped);
      }
      return 0;
    }

    /** Creates one guardrail; an existing one with the same id is left as it is. */
    private String create(String twinName, GuardrailDefaults.Derived derived) {
      String name = "guardrails/" + derived.guardrailId();
      try {
        ControlCommand.withControl(
            connection,
            stub -> stub.getGuardrail(GetGuardrailRequest.newBuilder().setName(name).build()));
        return "exists, left unchanged";
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          throw e;
        }
      }
      // The same twin and id give the same request id, so a retry after a lost response
      // creates the guardrail once.
      String requestId =
          UUID.nameUUIDFromBytes(
                  (twinName + "\n" + derived.guardrailId()).getBytes(StandardCharsets.UTF_8))
              .toString();
      try {
        ControlCommand.withControl(
            connection,
            stub ->
                stub.createGuardrail(
                    CreateGuardrailRequest.newBuilder()
                        .setGuardrailId(derived.guardrailId())
                        .setGuardrail(derived.guardrail())
                        .setRequestId(requestId)
                        .build()));
        return "created";
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
          return "exists, left unchanged";
        }
        throw e;
      }
    }

    private List<Point> setpoints(String twinName) {
      List<Point> points = new ArrayList<>();
      String pageToken = "";
      do {
        String token = pageToken;
        ListPointsResponse page =
            TwinCommand.withTwin(
                connection,
                stub ->
                    stub.listPoints(
                        ListPointsRequest.newBuilder()
                            .setParent(twinName)
                            .setFilter("kind = KIND_SETPOINT")
                            .setPageSize(1000)
                            .setPageToken(token)
                            .build()));
        points.addAll(page.getPointsList());
        pageToken = page.getNextPageToken();
      } while (!pageToken.isEmpty());
      return points;
    }

    private Map<String, Node> nodes(String twinName) {
      Map<String, Node> nodes = new TreeMap<>();
      String pageToken = "";
      do {
        String token = pageToken;
        ListNodesResponse page =
            TwinCommand.withTwin(
                connection,
                stub ->
                    stub.listNodes(
                        ListNodesRequest.newBuilder()
                            .setParent(twinName)
                            .setPageSize(1000)
                            .setPageToken(token)
                            .build()));
        page.getNodesList().forEach(node -> nodes.put(node.getName(), node));
        pageToken = page.getNextPageToken();
      } while (!pageToken.isEmpty());
      return nodes;
    }
  }
}
