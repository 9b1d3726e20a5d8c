-- Raw messages are compressed with lz4 where the server has it (PostgreSQL 14 and later,
-- built with lz4, as Debian's and the official images are): it keeps most of pglz's
-- saving on disk (bounces shrink to about half) for a fraction of its CPU, and
-- compressing every stored message is on the path from DATA to the 250. Rows already
-- stored keep their compression; a server without lz4 keeps pglz.
do $$
begin
  alter table raw_messages alter column raw set compression lz4;
exception when feature_not_supported then
  raise notice 'lz4 is not available on this server: raw messages stay compressed with pglz';
end
$$;
