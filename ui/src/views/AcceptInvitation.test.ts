import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { ErrorCode } from "../bindings/ErrorCode";
import { formatDateTime } from "../lib/format";
import { preview, session } from "../test/fixtures";
import { appError, mockCommands, rejectWith, type Handler } from "../test/ipc";
import AcceptInvitation from "./AcceptInvitation.svelte";

const CODE = "q4V7bX2mN9rT1kL8pZ3wY6sD0fH5jC2aE7uI4oR9tGx";
const POLICY = "At least 12 characters. Several unrelated words work well; common passwords and names do not.";

function renderAccept(handlers: Record<string, Handler>, props: { linkCode?: string | null; signedInAs?: string | null } = {}) {
  const ipc = mockCommands({ invitations_preview: () => preview(), ...handlers });
  const onAccepted = vi.fn();
  const onBack = vi.fn();
  render(AcceptInvitation, { linkCode: null, signedInAs: null, onAccepted, onBack, ...props });
  return { ipc, onAccepted, onBack };
}

async function pasteCode(code: string): Promise<void> {
  await userEvent.type(screen.getByLabelText("Invitation code"), code);
  await userEvent.click(screen.getByRole("button", { name: "Continue" }));
}

describe("AcceptInvitation", () => {
  it("takes a pasted code, shows the invitation, and joins with the chosen password", async () => {
    const joined = session({ userId: "u-grace", displayName: "Grace Hopper", isSuperUser: false, permissions: ["users.view"] });
    const { ipc, onAccepted } = renderAccept({ invitations_accept: () => joined });

    expect(screen.getByRole("heading", { level: 1, name: "Accept invitation" })).toBeInTheDocument();
    expect(screen.getByText("Paste the code from your invitation email, or the whole link.")).toBeInTheDocument();
    await pasteCode(`roster://accept-invitation?token=${CODE}`);

    expect(await screen.findByRole("heading", { level: 1, name: "Join Acme Office" })).toBeInTheDocument();
    expect(ipc.argsOf("invitations_preview")).toEqual([{ token: `roster://accept-invitation?token=${CODE}` }]);
    expect(screen.getByText("Ada Admin invited grace@acme.example")).toBeInTheDocument();
    expect(screen.getByText(`Expires ${formatDateTime("2026-12-07T09:00:00.000Z")}`)).toBeInTheDocument();
    expect(screen.getByRole("listitem")).toHaveTextContent("View users");
    expect(screen.queryByLabelText("Invitation code")).not.toBeInTheDocument();
    const password = screen.getByLabelText("New password");
    expect(password).toHaveAccessibleDescription(POLICY);
    await userEvent.type(password, "four quiet harbour lamps");
    await userEvent.type(screen.getByLabelText("Confirm password"), "four quiet harbour lamps");
    await userEvent.click(screen.getByRole("button", { name: "Join Workspace" }));

    await waitFor(() => expect(onAccepted).toHaveBeenCalledWith(joined));
    expect(ipc.argsOf("invitations_accept")).toEqual([
      {
        input: {
          token: `roster://accept-invitation?token=${CODE}`,
          password: "four quiet harbour lamps",
          confirmPassword: "four quiet harbour lamps",
        },
      },
    ]);
  });

  it.each<[ErrorCode, string]>([
    ["INVITATION_NOT_FOUND", "This code does not match any invitation. Check that you pasted all of it."],
    ["INVITATION_EXPIRED", "This invitation has expired. Ask for a new one."],
    ["INVITATION_USED", "This invitation was already used. Sign in instead."],
    ["INVITATION_REPLACED", "A newer invitation replaced this one. Use the code from the latest email."],
    ["INVITATION_REVOKED", "This invitation was withdrawn."],
  ])("shows %s under the code field", async (code, message) => {
    const { onAccepted } = renderAccept({ invitations_preview: rejectWith(appError(code, message, "invitationCode")) });

    await pasteCode(CODE);

    expect(await screen.findByTestId("field-error-invitationCode")).toHaveTextContent(message);
    const field = screen.getByLabelText("Invitation code");
    expect(field).toHaveAttribute("aria-invalid", "true");
    expect(field).toHaveAccessibleDescription(message);
    expect(screen.getByRole("heading", { level: 1, name: "Accept invitation" })).toBeInTheDocument();
    expect(onAccepted).not.toHaveBeenCalled();
  });

  it("shows a failure that is not about the code with Try again", async () => {
    let answers = 0;
    renderAccept({
      invitations_preview: () =>
        ++answers === 1 ? Promise.reject(appError("INTERNAL", "The database is busy.")) : preview(),
    });
    await pasteCode(CODE);

    const alert = await screen.findByTestId("form-error");
    expect(alert).toHaveTextContent("The database is busy.");
    await userEvent.click(within(alert).getByRole("button", { name: "Try again" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Join Acme Office" })).toBeInTheDocument();
  });

  it("shows password errors under their fields", async () => {
    let attempts = 0;
    renderAccept({
      invitations_accept: () =>
        Promise.reject(
          ++attempts === 1
            ? appError("WEAK_PASSWORD", "This password is too easy to guess. Add another word or two.", "password")
            : appError("VALIDATION", "The passwords do not match", "confirmPassword"),
        ),
    });
    await pasteCode(CODE);
    await screen.findByLabelText("New password");

    await userEvent.type(screen.getByLabelText("New password"), "grace2026");
    await userEvent.click(screen.getByRole("button", { name: "Join Workspace" }));
    expect(await screen.findByTestId("field-error-password")).toHaveTextContent(
      "This password is too easy to guess. Add another word or two.",
    );

    await userEvent.click(screen.getByRole("button", { name: "Join Workspace" }));
    expect(await screen.findByTestId("field-error-confirmPassword")).toHaveTextContent("The passwords do not match");
    expect(screen.queryByTestId("field-error-password")).not.toBeInTheDocument();
  });

  it("shows an invitation that ended meanwhile in an alert on the password step", async () => {
    renderAccept({
      invitations_accept: rejectWith(
        appError("INVITATION_EXPIRED", "This invitation has expired. Ask for a new one.", "invitationCode"),
      ),
    });
    await pasteCode(CODE);
    await userEvent.type(await screen.findByLabelText("New password"), "four quiet harbour lamps");
    await userEvent.type(screen.getByLabelText("Confirm password"), "four quiet harbour lamps{Enter}");

    expect(await screen.findByTestId("form-error")).toHaveTextContent("This invitation has expired. Ask for a new one.");
  });

  it("skips the code step for a code that came with a link", async () => {
    const { ipc } = renderAccept({}, { linkCode: CODE });

    expect(await screen.findByRole("heading", { level: 1, name: "Join Acme Office" })).toBeInTheDocument();
    expect(ipc.argsOf("invitations_preview")).toEqual([{ token: CODE }]);
    expect(screen.queryByLabelText("Invitation code")).not.toBeInTheDocument();
  });

  it("shows why a link's code cannot be used, with a way back", async () => {
    const { onBack } = renderAccept(
      { invitations_preview: rejectWith(appError("INVITATION_USED", "This invitation was already used.", "invitationCode")) },
      { linkCode: CODE },
    );

    const alert = await screen.findByTestId("form-error");
    expect(alert).toHaveTextContent("This invitation was already used.");
    expect(within(alert).queryByRole("button")).not.toBeInTheDocument();
    expect(screen.queryByLabelText("Invitation code")).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Back to sign in" }));
    expect(onBack).toHaveBeenCalledOnce();
  });

  it("goes back to sign in", async () => {
    const { onBack } = renderAccept({});

    await userEvent.click(screen.getByRole("button", { name: "Back to sign in" }));

    expect(onBack).toHaveBeenCalledOnce();
  });

  it("says who is signed in and offers Cancel instead of Back to sign in", async () => {
    const { onBack } = renderAccept({}, { linkCode: CODE, signedInAs: "Ada Admin" });

    expect(
      screen.getByText("You are signed in as Ada Admin. Joining signs you in as the invited user instead."),
    ).toBeInTheDocument();
    await screen.findByLabelText("New password");
    expect(screen.queryByRole("button", { name: "Back to sign in" })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(onBack).toHaveBeenCalledOnce();
  });

  it("explains what a user without permissions can do", async () => {
    renderAccept({ invitations_preview: () => preview({ permissions: [] }) }, { linkCode: CODE });

    expect(await screen.findByRole("listitem")).toHaveTextContent("See and edit your own profile");
  });
});
