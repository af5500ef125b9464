import { fireEvent, render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { SeatDay } from "../bindings/SeatDay";
import { formatCount, formatDay, formatDayShort } from "../lib/format";
import SeatChart from "./SeatChart.svelte";

const DAY_MS = 24 * 60 * 60 * 1000;

/** 90 days up to 2026-11-30, oldest first, with seats that change from day to day. */
function seatDays(): SeatDay[] {
  const first = Date.UTC(2026, 8, 2);
  return Array.from({ length: 90 }, (_, index) => ({
    date: new Date(first + index * DAY_MS).toISOString().slice(0, 10),
    seats: 1000 + ((index * 37) % 101),
  }));
}

/** The x,y of every vertex of the seat line, in order. */
function linePoints(): [number, number][] {
  const d = screen.getByTestId("seat-line").getAttribute("d") ?? "";
  return [...d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((match) => [Number(match[1]), Number(match[2])]);
}

function markerAt(): [number, number] {
  const marker = screen.getByTestId("seat-marker");
  return [Number(marker.getAttribute("cx")), Number(marker.getAttribute("cy"))];
}

function valueOf(day: SeatDay): string {
  return `${formatDay(day.date)}: ${formatCount(day.seats)} seats`;
}

describe("SeatChart", () => {
  it("draws one point per day, oldest on the left, with a y axis from 0", () => {
    const days = seatDays();
    render(SeatChart, { days });

    const points = linePoints();
    expect(points).toHaveLength(90);
    const xs = points.map(([x]) => x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    const chart = screen.getByTestId("seat-chart");
    const labels = (axis: string) => [...chart.querySelectorAll(`text.${axis}`)].map((text) => text.textContent?.trim());
    expect(labels("y")).toEqual([0, 500, 1000, 1500].map(formatCount));
    expect(labels("x")).toEqual(["2026-09-15", "2026-10-01", "2026-10-15", "2026-11-01", "2026-11-15"].map(formatDayShort));
  });

  it("gives the same data as a table: 90 rows with the exact values", async () => {
    const days = seatDays();
    render(SeatChart, { days });

    await userEvent.click(screen.getByText("Show as table"));
    const table = screen.getByRole("table", { name: "Seats at the end of each day (UTC)" });
    expect(within(table).getAllByRole("columnheader").map((cell) => cell.textContent)).toEqual(["Date", "Seats"]);
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(90);
    rows.forEach((row, index) => {
      const day = days[index]!;
      expect(within(row).getByRole("rowheader")).toHaveTextContent(formatDay(day.date));
      expect(within(row).getByRole("cell")).toHaveTextContent(formatCount(day.seats));
    });
    expect(screen.getByText("Hide table")).toBeInTheDocument();
  });

  it("moves along the days with the arrow keys and reads out each value", async () => {
    const days = seatDays();
    render(SeatChart, { days });
    const chart = screen.getByRole("slider", { name: "Seats per day" });
    const points = linePoints();

    expect(screen.queryByTestId("seat-tooltip")).not.toBeInTheDocument();
    await userEvent.tab();
    expect(chart).toHaveFocus();
    // Focus starts on today, the last day.
    expect(chart).toHaveAttribute("aria-valuetext", valueOf(days[89]!));
    expect(screen.getByTestId("seat-tooltip")).toHaveTextContent(valueOf(days[89]!));
    expect(markerAt()).toEqual(points[89]);

    await userEvent.keyboard("{ArrowLeft}{ArrowLeft}");
    expect(chart).toHaveAttribute("aria-valuenow", "88");
    expect(chart).toHaveAttribute("aria-valuetext", valueOf(days[87]!));
    expect(screen.getByTestId("seat-tooltip")).toHaveTextContent(valueOf(days[87]!));
    expect(markerAt()).toEqual(points[87]);

    await userEvent.keyboard("{ArrowRight}");
    expect(chart).toHaveAttribute("aria-valuetext", valueOf(days[88]!));
    expect(markerAt()).toEqual(points[88]);

    await userEvent.keyboard("{Home}{ArrowLeft}");
    expect(chart).toHaveAttribute("aria-valuetext", valueOf(days[0]!));
    expect(markerAt()).toEqual(points[0]);

    await userEvent.keyboard("{End}");
    expect(chart).toHaveAttribute("aria-valuetext", valueOf(days[89]!));

    await userEvent.tab();
    expect(screen.queryByTestId("seat-tooltip")).not.toBeInTheDocument();
  });

  it("shows the value of the day under the pointer", async () => {
    const days = seatDays();
    render(SeatChart, { days });
    const chart = screen.getByRole("slider", { name: "Seats per day" });
    const [x] = linePoints()[30]!;

    await fireEvent.pointerMove(chart, { clientX: x + 1 });
    expect(screen.getByTestId("seat-tooltip")).toHaveTextContent(valueOf(days[30]!));

    await fireEvent.pointerLeave(chart);
    expect(screen.queryByTestId("seat-tooltip")).not.toBeInTheDocument();
  });
});
