-- Issue 16: an alert whose period ended more than liveWindowHours before it was raised is historical (back-filled
-- history): recorded and resolved as the data says, never notified or escalated. A constant default rewrites
-- nothing.
ALTER TABLE alerts ADD COLUMN historical boolean NOT NULL DEFAULT false;
