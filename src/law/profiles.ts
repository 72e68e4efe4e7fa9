/**
 * FOI law as data: one profile per regime (`law/foia.yaml`, `law/foisa.yaml`, `law/eir.yaml`),
 * checked against a schema on loading. Every statutory reference in a profile is written as a
 * letter cites it ("section 40(2)", "regulation 12(4)(b)"), so it can be printed as it stands.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LAW_DIR } from '../paths.js';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { FoiError } from '../errors.js';

/** `law/` at the package root: the same relative path from `src/law` and from `dist/law`. */
export { LAW_DIR };

export const LAW_IDS = ['foia', 'foisa', 'eir'] as const;
export type LawId = (typeof LAW_IDS)[number];

export function isLawId(s: unknown): s is LawId {
  return typeof s === 'string' && (LAW_IDS as readonly string[]).includes(s);
}

const text = z.string().trim().min(1);
/** A statutory reference as a letter cites it, e.g. "section 10(1)", "regulation 12(4)(b)". */
const reference = text;
const workingDays = z.number().int().positive();

export const ExemptionSchema = z
  .strictObject({
    /** As used in specs: "s40(2)", "s31", "reg12(4)(b)", "reg13". */
    id: z.string().regex(/^(s\d+[a-z]?|reg\d+)(\(\w+\))*$/, 'an exemption id looks like "s31", "s40(2)" or "reg12(4)(b)"'),
    section: reference,
    title: text,
    /** Absolute: no public interest test. Qualified: the public interest test applies. */
    type: z.enum(['absolute', 'qualified']),
    /** Class-based: applies to a kind of information. Prejudice-based: needs a harm test. */
    basis: z.enum(['class', 'prejudice']),
    /** The provision that lifts the duty to confirm or deny, where the law has one. */
    ncnd_section: reference.optional(),
    /** One or two sentences saying why the exemption applies. */
    wording: text,
    /** Prejudice-based: a sentence to complete for the harm test ([brackets] to be filled in). */
    harm: text.optional(),
    /** Qualified: default factors for disclosure and for maintaining the exemption. */
    public_interest: z
      .strictObject({
        for: z.array(text).min(2).max(4),
        against: z.array(text).min(2).max(4),
      })
      .optional(),
    /** Advice to the FOI officer; not for the letter. */
    note: text.optional(),
  })
  .superRefine((e, ctx) => {
    if (e.type === 'qualified' && !e.public_interest) {
      ctx.addIssue({ code: 'custom', path: ['public_interest'], message: `${e.id} is qualified, so it needs public_interest factors for and against` });
    }
    if (e.type === 'absolute' && e.public_interest) {
      ctx.addIssue({ code: 'custom', path: ['public_interest'], message: `${e.id} is absolute: an absolute exemption has no public interest test` });
    }
    if (e.basis === 'prejudice' && !e.harm) {
      ctx.addIssue({ code: 'custom', path: ['harm'], message: `${e.id} is prejudice-based, so it needs a harm test prompt` });
    }
  });
export type Exemption = z.infer<typeof ExemptionSchema>;

const CostActivityId = z.enum(['determining', 'locating', 'retrieving', 'extracting']);
export type CostActivityId = z.infer<typeof CostActivityId>;

const CostLimitSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('limit'),
    section: reference,
    /** The limit in pounds. */
    amount: z.number().positive(),
    /** A higher limit for central government, where the law has one (FOIA: £600). */
    central_government_amount: z.number().positive().optional(),
    central_government: text.optional(),
    /** Pounds per hour of staff time. */
    hourly_rate: z.number().positive(),
    /** The rate is a maximum (FOISA: "shall not exceed £15 per hour"). */
    hourly_rate_is_cap: z.boolean().optional(),
    regulations: text,
    activities_section: reference,
    /** The only activities whose cost counts. */
    activities: z
      .array(z.strictObject({ id: CostActivityId, label: text }))
      .min(1),
    not_counted: z.array(text).optional(),
    aggregation: text.optional(),
    note: text.optional(),
  }),
  z.strictObject({
    kind: z.literal('none'),
    /** What is used instead (EIR: regulation 12(4)(b)). */
    section: reference,
    explanation: text,
  }),
]);
export type CostLimit = z.infer<typeof CostLimitSchema>;

const ComplaintSchema = z.strictObject({
  body: text,
  /** Postal address, one line each; joined with ", " on one line. */
  address: z.array(text).min(2),
  website: text,
  section: reference,
  paragraph: text,
  appeal: text,
});

export const LawProfileSchema = z
  .strictObject({
    id: z.enum(LAW_IDS),
    name: text,
    /** How a letter refers to the law after first naming it: "the Act", "FOISA", "the Regulations". */
    short: text,
    extent: text,
    time_limit: z.strictObject({
      working_days: workingDays,
      section: reference,
      wording: text,
      /** uk: bank holidays in any part of the UK; scotland: Scotland's only. */
      holidays: z.enum(['uk', 'scotland']),
      working_day_definition: text,
      clarification_section: reference,
      clarification: text,
      /** Total working days once extended, where the law fixes it (EIR regulation 7: 40). */
      extension_days: workingDays.optional(),
      extension: z.strictObject({
        available: z.boolean(),
        section: reference.optional(),
        /** Further working days allowed (FOIA: 20, by the Information Commissioner's guidance). */
        further_working_days: workingDays.optional(),
        wording: text,
      }),
    }),
    cost_limit: CostLimitSchema,
    sections: z.strictObject({
      advice_and_assistance: reference,
      refusal_notice: reference,
      not_held: reference,
      neither_confirm_nor_deny: reference,
      cost: reference,
      vexatious_or_repeated: reference,
      vexatious: reference,
      repeated: reference,
      already_accessible: reference,
    }),
    exemptions: z.array(ExemptionSchema).min(1),
    /** Phrases a response letter under this law uses. */
    letter: z.strictObject({
      request_title: text,
      /** The heading of the closing paragraphs on review and complaint. */
      review_heading: text,
      /** Said where information is not held. */
      not_held_notice: text,
    }),
    review: z.strictObject({
      /** Working days the requester has to ask for a review. */
      working_days: workingDays,
      section: reference,
      /** Working days the authority has to complete it. */
      response_working_days: workingDays,
      response_section: reference,
      paragraph: text,
      complaint: ComplaintSchema,
    }),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.exemptions.forEach((e, i) => {
      if (seen.has(e.id)) ctx.addIssue({ code: 'custom', path: ['exemptions', i, 'id'], message: `exemption "${e.id}" appears twice` });
      seen.add(e.id);
    });
    const ext = p.time_limit.extension;
    if (ext.available && !ext.section) {
      ctx.addIssue({ code: 'custom', path: ['time_limit', 'extension', 'section'], message: 'an available extension needs its section' });
    }
    if (p.time_limit.extension_days !== undefined && p.time_limit.extension_days <= p.time_limit.working_days) {
      ctx.addIssue({ code: 'custom', path: ['time_limit', 'extension_days'], message: 'extension_days is the total once extended, so it must exceed working_days' });
    }
  });
export type LawProfile = z.infer<typeof LawProfileSchema>;

function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : `${s ? '.' : ''}${String(seg)}`;
  return s || '(top level)';
}

/** Parses and checks a profile's YAML text; `file` is only for messages. */
export function parseProfile(source: string, file: string): LawProfile {
  const doc = parseDocument(source, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    throw new FoiError('law-profile-invalid', `the law profile ${file} is not valid YAML: ${first.message.split('\n')[0]}`, {
      hint: 'this file ships with foi; restore it from the repository',
      location: { file },
    });
  }
  const result = LawProfileSchema.safeParse(doc.toJS());
  if (!result.success) {
    const problems = result.error.issues.map((issue) => ({
      code: 'law-profile-invalid',
      severity: 'error' as const,
      message: `the law profile ${file} is invalid at ${formatPath(issue.path)}: ${issue.message}`,
      hint: 'this file ships with foi; fix it or restore it from the repository',
      location: { file },
    }));
    throw FoiError.fromProblems(problems);
  }
  return result.data;
}

const cache = new Map<LawId, LawProfile>();

/** The profile for `id`, read from `law/<id>.yaml` once and then cached. */
export function loadProfile(id: LawId): LawProfile {
  if (!isLawId(id)) {
    throw new FoiError('law-unknown', `"${String(id)}" is not a law foi knows`, { hint: `use one of: ${LAW_IDS.join(', ')}` });
  }
  const cached = cache.get(id);
  if (cached) return cached;
  const file = `law/${id}.yaml`;
  let source: string;
  try {
    source = fs.readFileSync(path.join(LAW_DIR, `${id}.yaml`), 'utf8');
  } catch (e) {
    throw new FoiError('law-profile-missing', `the law profile ${file} could not be read`, {
      hint: 'it ships with foi in the law/ folder at the package root; restore it from the repository',
      location: { file },
      cause: e,
    });
  }
  const profile = parseProfile(source, file);
  if (profile.id !== id) {
    throw new FoiError('law-profile-invalid', `the law profile ${file} says it is "${profile.id}", not "${id}"`, { location: { file } });
  }
  cache.set(id, profile);
  return profile;
}

/** "section 40(2)", "s 40(2)", "S40(2)" → "s40(2)"; "regulation 12(4)(b)", "reg 12(4)(b)" → "reg12(4)(b)". */
export function normaliseExemptionId(id: string): string {
  const s = id.trim().toLowerCase().replace(/\s+/g, '').replace(/\./g, '');
  const m = /^(section|sec|s|regulation|reg|r)(\d.*)$/.exec(s);
  if (!m) return s;
  return (m[1]!.startsWith('r') ? 'reg' : 's') + m[2]!;
}

/** The exemption with this id ("s40(2)", "reg12(4)(b)"; "section 40(2)" also works), if the profile has it. */
export function findExemption(profile: LawProfile, id: string): Exemption | undefined {
  const want = normaliseExemptionId(id);
  return profile.exemptions.find((e) => e.id === want);
}

/** The complaint body's postal address on one line, as letters print it. */
export function complaintAddress(profile: LawProfile): string {
  return profile.review.complaint.address.join(', ');
}
