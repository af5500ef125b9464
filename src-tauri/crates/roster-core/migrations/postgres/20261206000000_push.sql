-- Pushes from replicas (issue 11). Each replica is a client with its own sequence numbers;
-- an operation is applied once: hub_clients.last_seq and the operation's result are written
-- in the transaction that applies it, so a retried push is answered from hub_op_results
-- instead of applying again, and no result is ever "in limbo" (applied but not recorded).
CREATE TABLE hub_clients (
    client_id     uuid NOT NULL,
    workspace_id  uuid NOT NULL,
    user_id       uuid NOT NULL,
    -- The last sequence number answered (applied or rejected).
    last_seq      bigint NOT NULL,
    version       bigint NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    CONSTRAINT hub_clients_pkey PRIMARY KEY (client_id),
    CONSTRAINT hub_clients_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT hub_clients_workspace_id_fkey FOREIGN KEY (workspace_id) REFERENCES workspaces (id)
);

CREATE TABLE hub_op_results (
    client_id   uuid NOT NULL,
    seq         bigint NOT NULL,
    op_id       uuid NOT NULL,
    outcome     text COLLATE "C" NOT NULL,
    -- A rejection's error ({code, message, field, targetId}).
    error       jsonb,
    created_at  timestamptz NOT NULL,
    CONSTRAINT hub_op_results_pkey PRIMARY KEY (client_id, seq),
    CONSTRAINT hub_op_results_outcome_check CHECK (outcome IN ('applied', 'rejected')),
    CONSTRAINT hub_op_results_client_id_fkey FOREIGN KEY (client_id)
        REFERENCES hub_clients (client_id) DEFERRABLE INITIALLY DEFERRED
);
