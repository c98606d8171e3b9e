// The fixed bench data set, written with set-based SQL straight into the bench database (far
// faster than the API): users with roles sharing one password hash, companies, contacts, leads,
// deals, audit rows and a dashboard with 30 days of metric samples.
import type { RelationalStore } from "../src/stores/relational/port.ts";

/** How many rows of each kind. */
export interface SeedSize {
  users: number;
  companies: number;
  leads: number;
  deals: number;
  auditRows: number;
  /** Minutes between two metric samples of the bench dashboard (30 days of them). */
  metricEveryMinutes: number;
}

export const FULL_SEED: SeedSize = {
  users: 1_000,
  companies: 10_000,
  leads: 50_000,
  deals: 20_000,
  auditRows: 100_000,
  metricEveryMinutes: 5,
};

export const QUICK_SEED: SeedSize = {
  users: 200,
  companies: 1_000,
  leads: 5_000,
  deals: 2_000,
  auditRows: 10_000,
  metricEveryMinutes: 60,
};

/** Users the scenarios sign in as, by what their roles let them do. */
export const GROUP_SIZE = 64;
export type UserGroup = "admin" | "sales" | "director";

/** Bench user number `n` (1-based) of `group`; every bench user has the same password. */
export function benchEmail(group: UserGroup, n: number): string {
  return `bench-${group}-${n}@bench.polystore.test`;
}

export const BENCH_PASSWORD = "bench-password-0123456789";

/**
 * Words company names are built from: company g is named
 * `${NAME_WORDS[g % 20]} ${SUFFIX_WORDS[floor(g / 20) % 6]} ${g}` (see companyName).
 */
export const NAME_WORDS = [
  "Aurora",
  "Boreal",
  "Cascata",
  "Delta",
  "Estrela",
  "Floresta",
  "Granito",
  "Horizonte",
  "Ipe",
  "Jequitiba",
  "Lagoa",
  "Montanha",
  "Nascente",
  "Oceano",
  "Pampa",
  "Quartzo",
  "Rio",
  "Serra",
  "Tropical",
  "Vale",
];
/** Second words of company names. */
export const SUFFIX_WORDS = [
  "Tecnologia",
  "Comercio",
  "Servicos",
  "Logistica",
  "Alimentos",
  "Energia",
];
const SEGMENTS = ["varejo", "industria", "saude", "educacao", "financas", "agro", "tech", "midia"];

/** The name seed() gives company number `g` (1-based). */
export function companyName(g: number): string {
  return `${NAME_WORDS[g % 20]} ${SUFFIX_WORDS[Math.floor(g / 20) % 6]} ${g}`;
}

/** What the scenarios need to know about the seeded rows. */
export interface SeedInfo {
  size: SeedSize;
  /** A sample of company, lead and deal ids (random order) for by-id scenarios. */
  companyIds: string[];
  leadIds: string[];
  /** The bench dashboard, owned by director user 1. */
  dashboardId: string;
  seconds: number;
}

const sqlArray = (words: readonly string[]) =>
  `array[${words.map((w) => `'${w.replaceAll("'", "''")}'`).join(",")}]`;

/**
 * Seeds `db`, which has just been migrated and holds no bench rows. `passwordHash` is one PHC
 * string every bench user shares (hashing 1,000 passwords would take a minute for nothing).
 */
export async function seed(
  db: RelationalStore,
  size: SeedSize,
  passwordHash: string,
): Promise<SeedInfo> {
  const started = performance.now();
  await db.transaction(async (tx) => {
    // Users: GROUP_SIZE each of admin, sales (comercial) and director (diretor), the rest spread
    // over the five roles so role look-ups see a realistic mix.
    await tx.query(
      `insert into users (email, password_hash, full_name, is_active, is_verified)
       select case
                when g <= $3 then 'bench-admin-' || g
                when g <= 2 * $3 then 'bench-sales-' || (g - $3)
                when g <= 3 * $3 then 'bench-director-' || (g - 2 * $3)
                else 'bench-other-' || g
              end || '@bench.polystore.test',
              $1, 'Bench User ' || g, true, true
         from generate_series(1, $2) g`,
      [passwordHash, size.users, GROUP_SIZE],
    );
    await tx.query(
      `insert into user_roles (user_id, role_id)
       select u.id, r.id
         from users u
         join roles r on r.name::text = case
           when u.email like 'bench-admin-%' then 'admin'
           when u.email like 'bench-sales-%' then 'comercial'
           when u.email like 'bench-director-%' then 'diretor'
           else (array['admin','diretor','comercial','agente_ia','cliente'])[1 + abs(hashtext(u.email)) % 5]
         end
        where u.email like 'bench-%'`,
    );
    await tx.query(
      `insert into companies (name, trade_name, cnpj, segment, size, address_city, address_state,
                              source, created_by, created_at)
       select w1 || ' ' || w2 || ' ' || g, w1 || ' ' || w2, lpad(g::text, 14, '0'),
              (${sqlArray(SEGMENTS)})[1 + g % 8],
              (array['micro','pequena','media','grande'])[1 + g % 4],
              (array['Sao Paulo','Rio de Janeiro','Curitiba','Recife'])[1 + g % 4],
              (array['SP','RJ','PR','PE'])[1 + g % 4],
              (array['site','indicacao','evento','linkedin'])[1 + g % 4],
              (select id from users where email = 'bench-admin-1@bench.polystore.test'),
              now() - (g % 365) * interval '1 day'
         from generate_series(1, $1) g,
              lateral (select (${sqlArray(NAME_WORDS)})[1 + g % 20] as w1,
                              (${sqlArray(SUFFIX_WORDS)})[1 + (g / 20) % 6] as w2) w`,
      [size.companies],
    );
    await tx.query(
      `insert into contacts (company_id, full_name, email, job_title, created_at)
       select c.id, 'Contato ' || c.cnpj, 'contato' || c.cnpj || '@example.com', 'Gerente', c.created_at
         from companies c`,
    );
    // Leads point at companies and sales users by position, so no random joins are needed.
    await tx.query(
      `with c as (select id, row_number() over (order by cnpj) as n from companies),
            ct as (select id, company_id from contacts),
            s as (select id, row_number() over (order by email) as n from users
                   where email like 'bench-sales-%')
       insert into leads (company_id, contact_id, status, temperature, score, source, channel,
                          assigned_to, created_by, created_at)
       select c.id, ct.id,
              (array['new','contacted','qualified','unqualified','converted','lost']::lead_status[])[1 + g % 6],
              -- g / 6, not g: otherwise temperature would follow status (both from g mod 6).
              (array['hot','warm','cold']::lead_temperature[])[1 + (g / 6) % 3],
              g % 101,
              (array['site','indicacao','evento','linkedin','whatsapp'])[1 + g % 5],
              (array['email','whatsapp','telefone'])[1 + g % 3],
              s.id, s.id,
              now() - (g % 180) * interval '1 day' - (g % 1440) * interval '1 minute'
         from generate_series(1, $1) g
         join c on c.n = 1 + g % $2
         join ct on ct.company_id = c.id
         join s on s.n = 1 + g % $3`,
      [size.leads, size.companies, GROUP_SIZE],
    );
    await tx.query(
      `with c as (select id, row_number() over (order by cnpj) as n from companies),
            st as (select id, is_won, is_lost, row_number() over (order by sort_order) as n
                     from pipeline_stages),
            s as (select id, row_number() over (order by email) as n from users
                   where email like 'bench-sales-%')
       insert into deals (title, company_id, stage_id, status, value, owned_by,
                          expected_close_date, created_at)
       select 'Negocio ' || g, c.id, st.id,
              (case when st.is_won then 'won' when st.is_lost then 'lost' else 'open' end)::deal_status,
              1000 + (g * 37) % 99000, s.id,
              current_date + (g % 120), now() - (g % 200) * interval '1 day'
         from generate_series(1, $1) g
         join c on c.n = 1 + g % $2
         join st on st.n = 1 + g % 7
         join s on s.n = 1 + g % $3`,
      [size.deals, size.companies, GROUP_SIZE],
    );
    await tx.query(
      `with u as (select id, row_number() over (order by email) as n from users)
       insert into audit_logs (user_id, action, resource_type, resource_id, new_values,
                               ip_address, user_agent, created_at)
       select u.id,
              (array['create','update','delete'])[1 + g % 3],
              (array['companies','leads','deals','contacts'])[1 + g % 4],
              uuid_generate_v4(),
              jsonb_build_object('n', g),
              '127.0.0.1', 'bench',
              now() - (g % 43200) * interval '1 minute'
         from generate_series(1, $1) g
         join u on u.n = 1 + g % $2`,
      [size.auditRows, size.users],
    );
    await tx.query(
      `insert into dashboards (name, user_id)
       select 'Bench dashboard', id from users where email = 'bench-director-1@bench.polystore.test'`,
    );
    await tx.query(
      `insert into metrics (user_id, dashboard_id, ia_efficiency, model_accuracy,
                            processing_time_ms, memory_usage_mb, error_rate, "timestamp", periodo)
       select d.user_id, d.id,
              0.5 + (g % 50) / 100.0, 0.7 + (g % 30) / 100.0, 50 + g % 400, 100 + g % 900,
              (g % 20) / 1000.0,
              now() - g * $1 * interval '1 minute',
              case when g * $1 < 1440 then '24h' when g * $1 < 10080 then '7d' else '30d' end
         from dashboards d, generate_series(0, (30 * 1440) / $1 - 1) g
        where d.name = 'Bench dashboard'`,
      [size.metricEveryMinutes],
    );
  });
  await db.exec("analyze");

  const ids = async (table: string, n: number) =>
    (await db.query<{ id: string }>(`select id from ${table} order by random() limit ${n}`)).rows
      .map((r) => r.id);
  const dash = await db.query<{ id: string }>(
    "select id from dashboards where name = 'Bench dashboard'",
  );
  return {
    size,
    companyIds: await ids("companies", 2_000),
    leadIds: await ids("leads", 2_000),
    dashboardId: dash.rows[0].id,
    seconds: (performance.now() - started) / 1000,
  };
}
