package dev.mirrorgate.webhook.ui.web;

import java.util.List;

/**
 * What every page's frame shows: title, the navigation (with the current page marked), who is
 * logged in (null on the login page), the CSRF token its forms carry, a message kept from the last
 * action, and whether the API server can be read.
 *
 * @param live whether the page refreshes itself when the data changes
 */
public record Frame(
    String title,
    String nav,
    String user,
    String csrf,
    Assets assets,
    String flash,
    String apiProblem,
    boolean live) {

  /** A navigation entry. */
  public record Link(String id, String href, String label) {}

  public static final List<Link> NAVIGATION =
      List.of(
          new Link("overview", "/", "Overview"),
          new Link("workloads", "/workloads", "Workloads"),
          new Link("approvals", "/approvals", "Approvals"),
          new Link("history", "/history", "History"),
          new Link("simulate", "/simulate", "Simulate"));
}
