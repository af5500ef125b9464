import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { UserQuery } from "../bindings/UserQuery";
import { page, summaries, summary } from "../test/fixtures";
import { mockCommands } from "../test/ipc";
import { VIEWPORT_HEIGHT } from "../test/setup";
import UserList from "./UserList.svelte";

const ROW_HEIGHT = 44;

function props(overrides: Record<string, unknown> = {}) {
  return {
    search: "",
    filter: "current" as const,
    sort: "name" as const,
    direction: "asc" as const,
    selectedId: null,
    reloadKey: 0,
    onOpen: vi.fn(),
    ...overrides,
  };
}

function rows(): HTMLElement[] {
  return screen.queryAllByTestId("user-row");
}

function scroller(): HTMLElement {
  const body = screen.getByRole("grid", { name: "Users" }).querySelector<HTMLElement>(".body");
  if (!body) throw new Error("no scroll body");
  return body;
}

async function scrollTo(top: number): Promise<void> {
  const element = scroller();
  element.scrollTop = top;
  await fireEvent.scroll(element);
}

describe("UserList", () => {
  it("renders name, email, role and status of each user from users_list", async () => {
    const ipc = mockCommands({
      users_list: () =>
        page([
          summary(1, { displayName: "Ann Lee", email: "ann@acme.example", role: "Super-user" }),
          summary(2, { displayName: "Bob Ray", email: "bob@acme.example", status: "invited" }),
        ]),
    });
    render(UserList, props());

    await waitFor(() => expect(rows()).toHaveLength(2));
    const [first, second] = rows() as [HTMLElement, HTMLElement];
    expect(first).toHaveAttribute("data-email", "ann@acme.example");
    expect(within(first).getByText("Ann Lee")).toBeInTheDocument();
    expect(within(first).getByText("Super-user")).toBeInTheDocument();
    expect(within(first).getByText("Active")).toBeInTheDocument();
    expect(within(second).getByText("bob@acme.example")).toBeInTheDocument();
    expect(within(second).getByText("Invited")).toBeInTheDocument();
    expect(ipc.argsOf("users_list")).toEqual([
      { query: { search: "", filter: "current", sort: "name", direction: "asc", after: null, limit: 100 } },
    ]);
  });

  it("asks for the number of matches in a second call when the page leaves it out", async () => {
    const onPage = vi.fn();
    const ipc = mockCommands({
      users_list: () => ({ ...page(summaries(0, 100), "cursor-100", 0), matching: null }),
      users_count: () => 94_117,
    });
    render(UserList, props({ search: "demo.ex", onPage }));

    await waitFor(() => expect(screen.getByRole("grid", { name: "Users" })).toHaveAttribute("aria-rowcount", "94118"));
    expect(ipc.argsOf("users_count")).toEqual([
      { query: { search: "demo.ex", filter: "current", sort: "name", direction: "asc", after: null, limit: 1 } },
    ]);
    expect(onPage).toHaveBeenLastCalledWith(expect.objectContaining({ matching: 94_117 }), expect.anything());
  });

  it("requests the next page with the cursor only when scrolled near the end", async () => {
    const ipc = mockCommands({
      users_list: (args) => {
        const query = args.query as UserQuery;
        return query.after === null ? page(summaries(0, 100), "cursor-100", 150) : page(summaries(100, 50), null, 150);
      },
    });
    render(UserList, props());
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    expect(ipc.argsOf("users_list")).toHaveLength(1);

    await scrollTo(100 * ROW_HEIGHT - VIEWPORT_HEIGHT);

    await waitFor(() => expect(ipc.argsOf("users_list")).toHaveLength(2));
    expect(ipc.argsOf("users_list")[1]).toEqual({
      query: { search: "", filter: "current", sort: "name", direction: "asc", after: "cursor-100", limit: 100 },
    });

    await scrollTo(150 * ROW_HEIGHT - VIEWPORT_HEIGHT);
    await waitFor(() => expect(screen.getByText("user149@acme.example")).toBeInTheDocument());
    expect(ipc.argsOf("users_list")).toHaveLength(2);
  });

  it("keeps only the visible rows of a 10,000-row result in the DOM", async () => {
    mockCommands({ users_list: () => page(summaries(0, 10_000)) });
    render(UserList, props());

    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    expect(rows().length).toBeLessThan(40);
    expect(screen.getByRole("grid", { name: "Users" })).toHaveAttribute("aria-rowcount", "10001");
    expect(screen.queryByText("user9999@acme.example")).not.toBeInTheDocument();

    await scrollTo(5000 * ROW_HEIGHT);

    await waitFor(() => expect(screen.getByText("user5001@acme.example")).toBeInTheDocument());
    expect(screen.queryByText("user0@acme.example")).not.toBeInTheDocument();
    expect(rows().length).toBeLessThan(40);
  });

  it("runs a new query from the first page when the search changes", async () => {
    const ipc = mockCommands({
      users_list: (args) => {
        const query = args.query as UserQuery;
        return query.search === "" ? page(summaries(0, 3)) : page([summary(9, { displayName: "Ann Lee" })]);
      },
    });
    const { rerender } = render(UserList, props());
    await waitFor(() => expect(rows()).toHaveLength(3));

    await rerender(props({ search: "ann" }));

    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(screen.getByText("Ann Lee")).toBeInTheDocument();
    expect(ipc.argsOf("users_list").at(-1)).toEqual({
      query: { search: "ann", filter: "current", sort: "name", direction: "asc", after: null, limit: 100 },
    });
  });

  it("shows an empty state when nothing matches", async () => {
    mockCommands({ users_list: () => page([]) });
    render(UserList, props({ search: "zzz" }));

    expect(await screen.findByText("No users match “zzz”.")).toBeInTheDocument();
    expect(rows()).toHaveLength(0);
  });

  it("sorts by a column header, toggling the direction on a second click", async () => {
    const user = userEvent.setup();
    const ipc = mockCommands({ users_list: () => page(summaries(0, 3)) });
    render(UserList, props());
    await waitFor(() => expect(rows()).toHaveLength(3));

    expect(screen.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "ascending");
    await user.click(screen.getByRole("button", { name: "Email" }));
    await waitFor(() =>
      expect(screen.getByRole("columnheader", { name: "Email" })).toHaveAttribute("aria-sort", "ascending"),
    );
    await user.click(screen.getByRole("button", { name: "Email" }));
    await waitFor(() =>
      expect(screen.getByRole("columnheader", { name: "Email" })).toHaveAttribute("aria-sort", "descending"),
    );
    expect(screen.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "none");
    await waitFor(() => expect(ipc.argsOf("users_list")).toHaveLength(3));
    const sorts = ipc.argsOf("users_list").map((args) => {
      const query = args.query as UserQuery;
      return `${query.sort} ${query.direction}`;
    });
    expect(sorts).toEqual(["name asc", "email asc", "email desc"]);
  });

  it("moves the selection with the arrow keys and opens the selected user with Enter", async () => {
    const user = userEvent.setup();
    const onOpen = vi.fn();
    mockCommands({ users_list: () => page(summaries(0, 5)) });
    render(UserList, props({ onOpen }));
    await waitFor(() => expect(rows()).toHaveLength(5));

    await user.click(rows()[0]!);
    expect(onOpen).toHaveBeenLastCalledWith("u-0");
    await user.keyboard("{ArrowDown}{ArrowDown}");

    const selected = rows().find((row) => row.getAttribute("aria-selected") === "true");
    expect(selected).toHaveAttribute("data-email", "user2@acme.example");
    expect(selected).toHaveFocus();
    await user.keyboard("{ArrowUp}{Enter}");
    expect(onOpen).toHaveBeenLastCalledWith("u-1");
  });
});
