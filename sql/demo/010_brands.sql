-- The two demo brands. Safe to run again: rows are upserted by their keys.
-- Palettes are chosen for WCAG AA contrast of text on background and of
-- on_primary on primary.

INSERT INTO tenants (slug, name, status, currency, locale, time_zone,
                     vat_rate_bp, color_primary, color_on_primary,
                     color_background, color_text, color_accent, logo_path)
VALUES
    ('nordlys', 'Nordlys Mobil', 'active', 'DKK', 'da-DK', 'Europe/Copenhagen',
     2500, '#0b3d5c', '#ffffff', '#f4f8fb', '#10222e', '#1b7f5b',
     'nordlys/logo.svg'),
    ('fjordmobil', 'Fjordmobil', 'active', 'DKK', 'da-DK', 'Europe/Copenhagen',
     2500, '#7a1f3d', '#ffffff', '#fffaf3', '#2b1a12', '#b34700',
     'fjordmobil/logo.svg')
ON DUPLICATE KEY UPDATE
    name = VALUES(name), status = VALUES(status), currency = VALUES(currency),
    locale = VALUES(locale), time_zone = VALUES(time_zone),
    vat_rate_bp = VALUES(vat_rate_bp), color_primary = VALUES(color_primary),
    color_on_primary = VALUES(color_on_primary),
    color_background = VALUES(color_background),
    color_text = VALUES(color_text), color_accent = VALUES(color_accent),
    logo_path = VALUES(logo_path);

INSERT INTO tenant_domains (host, tenant_id, is_primary)
SELECT 'nordlys.localhost', id, 1 FROM tenants WHERE slug = 'nordlys'
ON DUPLICATE KEY UPDATE tenant_id = VALUES(tenant_id), is_primary = 1;

INSERT INTO tenant_domains (host, tenant_id, is_primary)
SELECT 'fjordmobil.localhost', id, 1 FROM tenants WHERE slug = 'fjordmobil'
ON DUPLICATE KEY UPDATE tenant_id = VALUES(tenant_id), is_primary = 1;
