import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import App from "../../App.svelte";
import type { UpdateCheck } from "../../bindings/UpdateCheck";
import { emailSettings, page, session, summaries } from "../../test/fixtures";
import { appError, channelOf, deferred, mockCommands, rejectWith, type Handler } from "../../test/ipc";

const OFFER: UpdateCheck = {
  kind: "available",
  version: "9.9.9",
  currentVersion: "0.1.0",
  notes: "Faster user list.\nSpanish throughout.",
  date: "2026-12-01T09:00:00Z",
};

const UNREACHABLE = appError(
  "UPDATE_UNREACHABLE",
  "Roster could not reach its update server. Check the internet connection and try again later.",
);

/** Roster signed in on Users, on a copy that knows an update server unless `updates` is false. */
function mockSignedIn(handlers: Record<string, Handler>, updates = true) {
  return mockCommands({
    app_launch_state: () => ({ workspaces: [{ id: "w-1", name: "Acme Office" }], session: session(), demo: false, updates, systemLanguages: ["en-US"] }),
    invitations_take_link: () => null,
    settings_email_get: () => emailSettings(),
    users_list: () => page(summaries(0, 3)),
    ...handlers,
  });
}

async function menuItems(): Promise<string[]> {
  await userEvent.click(await screen.findByRole("button", { name: "Ada Admin" }));
  const items = within(screen.getByRole("menu")).getAllByRole("menuitem");
  return items.map((item) => item.textContent?.trim() ?? "");
}

beforeEach(() => {
  history.replaceState(null, "", "#");
});

describe("Updates", () => {
  it("announces a newer release found at start without taking focus, and shows what is new", async () => {
    mockSignedIn({ update_check: () => OFFER });
    render(App);

    const notice = await screen.findByTestId("update-notice");
    expect(within(notice).getByRole("status")).toHaveTextContent("Roster 9.9.9 is available.");
    expect(notice).not.toContainElement(document.activeElement as HTMLElement);

    await userEvent.click(within(notice).getByRole("button", { name: "See what's new" }));
    const dialog = screen.getByRole("dialog", { name: "Update Roster" });
    expect(dialog).toHaveTextContent("Roster 9.9.9 is available. You have 0.1.0.");
    expect(within(dialog).getByRole("region", { name: "What's new" })).toHaveTextContent("Faster user list.");
    expect(within(dialog).getByRole("button", { name: "Install and restart" })).toHaveFocus();
    expect(screen.queryByTestId("update-notice")).not.toBeInTheDocument();
  });

  it("installs on consent with download progress, and says so when the download is not signed with Roster's key", async () => {
    const install = deferred<null>();
    const ipc = mockSignedIn({ update_check: () => OFFER, update_install: () => install.promise });
    render(App);
    await userEvent.click(await screen.findByRole("button", { name: "See what's new" }));
    await userEvent.click(screen.getByRole("button", { name: "Install and restart" }));

    const dialog = screen.getByRole("dialog", { name: "Update Roster" });
    const channel = channelOf(ipc.argsOf("update_install")[0]?.onProgress);
    channel.send({ phase: "downloading", received: 1_500_000, total: 6_000_000 });
    expect(await within(dialog).findByText("1.5 MB of 6.0 MB")).toBeInTheDocument();
    expect(within(dialog).getByRole("progressbar")).toHaveAttribute("aria-valuenow", "1500000");
    expect(dialog).toHaveTextContent("Downloading Roster 9.9.9…");
    // Esc does not walk away from an install under way.
    await userEvent.keyboard("{Escape}");
    expect(screen.getByRole("dialog", { name: "Update Roster" })).toBeInTheDocument();

    install.reject(
      appError(
        "UPDATE_UNVERIFIED",
        "The downloaded update is not signed with Roster's update key, so it was not installed. Roster was not changed.",
      ),
    );
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("not signed with Roster's update key");
    expect(within(dialog).getByRole("button", { name: "Try again" })).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole("button", { name: "Close" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("stays silent at start when the update server cannot be reached", async () => {
    const ipc = mockSignedIn({ update_check: rejectWith(UNREACHABLE) });
    render(App);

    await screen.findAllByTestId("user-row");
    await waitFor(() => expect(ipc.argsOf("update_check")).toHaveLength(1));
    expect(screen.queryByTestId("update-notice")).not.toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("checks from the name menu: the latest version, or why the server could not be asked", async () => {
    let answer: Handler = () => ({ kind: "upToDate", currentVersion: "0.1.0" });
    mockSignedIn({ update_check: () => answer({}) });
    render(App);

    expect(await menuItems()).toEqual(["My profile", "Change password", "Check for updates", "Sign out"]);
    await userEvent.click(screen.getByRole("menuitem", { name: "Check for updates" }));
    const dialog = screen.getByRole("dialog", { name: "Update Roster" });
    expect(await within(dialog).findByRole("status")).toHaveTextContent("Roster 0.1.0 is the latest version.");
    await userEvent.click(within(dialog).getByRole("button", { name: "Close" }));

    answer = rejectWith(UNREACHABLE);
    await menuItems();
    await userEvent.click(screen.getByRole("menuitem", { name: "Check for updates" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("could not reach its update server");
  });

  it("neither checks nor offers a check on a copy built without an update server", async () => {
    const ipc = mockSignedIn({}, false);
    render(App);

    expect(await menuItems()).toEqual(["My profile", "Change password", "Sign out"]);
    expect(ipc.argsOf("update_check")).toEqual([]);
  });
});
