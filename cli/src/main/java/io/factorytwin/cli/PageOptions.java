package io.factorytwin.cli;

import picocli.CommandLine.Option;

/** The paging options of a List call, as every List request of the contract names them. */
final class PageOptions {

  @Option(names = "--page-size", description = "Items per page (server default 50, at most 1000).")
  int pageSize;

  @Option(names = "--page-token", description = "next_page_token of the previous page.")
  String pageToken = "";
}
