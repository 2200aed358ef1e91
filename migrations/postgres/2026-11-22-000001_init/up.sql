CREATE TABLE offices (
    id TEXT PRIMARY KEY,
    regency_code TEXT NOT NULL,
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    max_failed_attempts INTEGER NOT NULL DEFAULT 3,
    link_lifetime_days INTEGER NOT NULL DEFAULT 30,
    require_photo BOOLEAN NOT NULL DEFAULT FALSE,
    require_signature BOOLEAN NOT NULL DEFAULT FALSE,
    require_id_check BOOLEAN NOT NULL DEFAULT FALSE,
    require_gps BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices(id),
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'courier')),
    display_name TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX users_office ON users(office_id, role);

-- Refresh tokens rotate: each use spends the token and makes a successor in
-- the same family. Only a hash of the token is stored.
CREATE TABLE refresh_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    family_id TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    spent_at TIMESTAMP,
    successor_id TEXT,
    revoked BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);

-- A card's status, resident answer and failure count are a projection of
-- its events, rewritten in the same transaction as each event.
CREATE TABLE cards (
    id TEXT PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices(id),
    nik TEXT NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    rt TEXT,
    rw TEXT,
    kelurahan TEXT NOT NULL,
    kecamatan TEXT NOT NULL,
    regency TEXT,
    sex TEXT,
    birth_date TEXT,
    phone TEXT,
    printed_on TEXT,
    batch TEXT,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    pin_lat DOUBLE PRECISION,
    pin_lon DOUBLE PRECISION,
    status TEXT NOT NULL,
    resident TEXT,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    courier_id TEXT,
    replaces_card_id TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX cards_office_nik ON cards(office_id, nik);
CREATE INDEX cards_office_status ON cards(office_id, status, kecamatan, kelurahan);

-- The append-only custody log. `id` is made on the phone for courier events.
CREATE TABLE card_events (
    id TEXT PRIMARY KEY,
    card_id TEXT NOT NULL REFERENCES cards(id),
    office_id TEXT NOT NULL REFERENCES offices(id),
    kind TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    received_at TIMESTAMP NOT NULL,
    actor_id TEXT,
    device_id TEXT,
    payload TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    implied_by TEXT,
    flag TEXT
);
CREATE INDEX card_events_card ON card_events(card_id, occurred_at, id);

-- Events the server would not apply: kept for staff review, never dropped.
CREATE TABLE rejected_events (
    id TEXT PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices(id),
    event_id TEXT NOT NULL,
    card_id TEXT,
    actor_id TEXT NOT NULL,
    device_id TEXT,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP
);
CREATE INDEX rejected_events_office ON rejected_events(office_id, received_at);

CREATE TABLE routes (
    id TEXT PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices(id),
    courier_id TEXT NOT NULL REFERENCES users(id),
    date TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed', 'cancelled')),
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX routes_courier ON routes(courier_id, status, date);

-- `active` is true while the route is open: a card is on one active route at most.
CREATE TABLE route_stops (
    route_id TEXT NOT NULL REFERENCES routes(id),
    card_id TEXT NOT NULL REFERENCES cards(id),
    seq INTEGER NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (route_id, card_id)
);
CREATE UNIQUE INDEX route_stops_one_active ON route_stops(card_id) WHERE active;

CREATE TABLE resident_links (
    id TEXT PRIMARY KEY,
    card_id TEXT NOT NULL REFERENCES cards(id),
    office_id TEXT NOT NULL REFERENCES offices(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX resident_links_card ON resident_links(card_id);

CREATE TABLE resident_reports (
    id TEXT PRIMARY KEY,
    card_id TEXT NOT NULL REFERENCES cards(id),
    office_id TEXT NOT NULL REFERENCES offices(id),
    message TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
