package io.factorytwin.cli;

import io.factorytwin.control.v1.CreateHoldRequest;
import io.factorytwin.control.v1.ListHoldsRequest;
import io.factorytwin.control.v1.ListHoldsResponse;
import io.factorytwin.control.v1.ReleaseHoldRequest;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The operator hold commands of factoryctl control: hold, release and holds. */
final class ControlHoldCommands {

  static final List<String> HEADER =
      List.of("HOLD", "POINT", "VALUE", "STATE", "CREATOR", "CREATED", "REASON");

  private ControlHoldCommands() {}

  static List<String> row(io.factorytwin.control.v1.Hold hold) {
    return List.of(
        hold.getName(),
        hold.getPoint(),
        Output.number(hold.getValue()) + " " + hold.getUnit(),
        hold.getState().name().replace("STATE_", ""),
        hold.getCreator(),
        Output.time(hold.hasCreateTime(), hold.getCreateTime()),
        hold.getReason());
  }

  @Command(
      name = "hold",
      mixinStandardHelpOptions = true,
      description =
          "Hold a setpoint at a manual value (role operator). No agent can move the point until"
              + " the hold is released; the value must lie within every covering guardrail's"
              + " range, but the rate limit and interlocks do not apply.")
  static final class Hold implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The setpoint point, twins/{twin}/points/{point}.")
    String point;

    @Parameters(index = "1", description = "The manual value, in --unit.")
    double value;

    @Option(names = "--unit", required = true, description = "Unit of the value: the point's.")
    String unit;

    @Option(names = "--reason", required = true, description = "Why the point is held.")
    String reason;

    @Option(
        names = "--id",
        description = "Hold id: lower-case letters, digits and hyphens; default: server-generated.")
    String holdId = "";

    @Option(
        names = "--request-id",
        description = "Idempotency key (a UUID); a retry with the same key creates one hold.")
    String requestId;

    @Override
    public Integer call() {
      ControlCommand.finite(spec, "value", value);
      CreateHoldRequest request =
          CreateHoldRequest.newBuilder()
              .setHoldId(holdId)
              .setHold(
                  io.factorytwin.control.v1.Hold.newBuilder()
                      .setPoint(point)
                      .setValue(value)
                      .setUnit(unit)
                      .setReason(reason))
              .setRequestId(requestId != null ? requestId : UUID.randomUUID().toString())
              .build();
      io.factorytwin.control.v1.Hold hold =
          ControlCommand.withControl(connection, stub -> stub.createHold(request));
      Output.resource(connection.output, spec.commandLine().getOut(), hold, HEADER, row(hold));
      return 0;
    }
  }

  @Command(
      name = "release",
      mixinStandardHelpOptions = true,
      description =
          "Release a hold (role operator). The point keeps the held value, and agents may"
              + " propose for it again.")
  static final class Release implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The hold: an id or holds/{hold}.")
    String hold;

    @Option(
        names = "--etag",
        description = "Etag of the hold as last read; the call fails ABORTED if it changed.")
    String etag = "";

    @Override
    public Integer call() {
      io.factorytwin.control.v1.Hold released =
          ControlCommand.withControl(
              connection,
              stub ->
                  stub.releaseHold(
                      ReleaseHoldRequest.newBuilder()
                          .setName(ControlCommand.resourceName("holds", hold))
                          .setEtag(etag)
                          .build()));
      Output.resource(
          connection.output, spec.commandLine().getOut(), released, HEADER, row(released));
      return 0;
    }
  }

  @Command(
      name = "holds",
      mixinStandardHelpOptions = true,
      description = "List holds, newest first, one page.")
  static final class Holds implements Callable<Integer> {

    @Mixin Connection connection;

    @Mixin PageOptions page;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--filter",
        description = "AIP-160 filter over point, state, creator and create_time.")
    String filter = "";

    @Override
    public Integer call() {
      ListHoldsResponse response =
          ControlCommand.withControl(
              connection,
              stub ->
                  stub.listHolds(
                      ListHoldsRequest.newBuilder()
                          .setFilter(filter)
                          .setPageSize(page.pageSize)
                          .setPageToken(page.pageToken)
                          .build()));
      Output.page(
          connection.output,
          spec.commandLine().getOut(),
          response,
          HEADER,
          response.getHoldsList(),
          ControlHoldCommands::row,
          response.getNextPageToken());
      return 0;
    }
  }
}
