import type { ActivityEntry } from "../bindings/ActivityEntry";
import type { SeatReport } from "../bindings/SeatReport";
import { call } from "./call";

export const reportsSeats = () => call<SeatReport>("reports_seats");

export const usersActivity = (id: string) => call<ActivityEntry[]>("users_activity", { id });
