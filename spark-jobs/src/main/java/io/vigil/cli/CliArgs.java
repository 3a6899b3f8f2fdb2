package io.vigil.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** The parsed command line; every option maps to one config key or job argument. */
final class CliArgs {
  String command;
  String conf;
  String output = "warehouse";
  String detector;
  String master;
  String date;
  /** nightly: the last date of a backfill from {@link #date}, or null for one date. */
  String until;
  String modelVersion;
  final Map<String, String> sets = new LinkedHashMap<>();
  int repeat = 3;
  int scale = 1;
  String results = "bench/results";
  String query;
  String suite;
  String confDir = "conf";
  boolean forcePrepare;
  boolean allowWrites;
  long load;
  String curve;
}
