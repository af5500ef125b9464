-- Roles become real (issue 4): a user is a super-user or holds one or more roles, so
-- super-users hold none. Each audit entry says how it moved the number of active members,
-- and the seat chart sums those per day.
DELETE FROM user_roles WHERE user_id IN (SELECT id FROM users WHERE is_super_user = 1);

ALTER TABLE audit_log ADD COLUMN seat_change INTEGER NOT NULL DEFAULT 0;
UPDATE audit_log SET seat_change = 1 WHERE action IN ('user.create', 'user.restore');
UPDATE audit_log SET seat_change = -1 WHERE action = 'user.remove';
CREATE INDEX audit_log_seat_changes ON audit_log (workspace_id, created_at) WHERE seat_change <> 0;
