/**
 * Domain classification by rules and keywords (LLM-free): each domain of the taxonomy has keywords (whole words,
 * case-insensitive) and connectors that lean towards it; the domain with the most evidence wins, none when there
 * is no evidence. The taxonomy is configurable (engine option `enrichment.domains`); DEFAULT_DOMAINS is documented.
 */
export interface DomainRule {
  keywords: string[];
  /** Connectors whose items start with `connectorWeight` points towards this domain. */
  connectors?: string[];
}

export type DomainTaxonomy = Record<string, DomainRule>;

export const DEFAULT_DOMAINS: DomainTaxonomy = {
  code: {
    keywords: [
      'bug',
      'commit',
      'merge',
      'pull request',
      'pr',
      'deploy',
      'build',
      'test',
      'refactor',
      'function',
      'api',
      'typescript',
      'python',
      'stack trace',
      'exception',
      'compile',
      'release',
      'branch',
      'ci',
      'docker',
      'sql',
    ],
    connectors: ['git', 'github', 'claude-code', 'logs'],
  },
  work: {
    keywords: [
      'meeting',
      'deadline',
      'project',
      'client',
      'customer',
      'roadmap',
      'standup',
      'sprint',
      'quarter',
      'okr',
      'manager',
      'review',
      'proposal',
      'contract',
      'team',
      'agenda',
      'stakeholder',
    ],
    connectors: ['slack', 'slack-export'],
  },
  finance: {
    keywords: [
      'invoice',
      'payment',
      'bank',
      'tax',
      'budget',
      'salary',
      'receipt',
      'expense',
      'refund',
      'mortgage',
      'loan',
      'stock',
      'dividend',
      'price',
      'billing',
      'subscription',
    ],
  },
  travel: {
    keywords: [
      'flight',
      'hotel',
      'booking',
      'airport',
      'train',
      'itinerary',
      'passport',
      'visa',
      'boarding',
      'trip',
      'vacation',
      'reservation',
      'airbnb',
    ],
  },
  health: {
    keywords: [
      'doctor',
      'appointment',
      'dentist',
      'pharmacy',
      'prescription',
      'hospital',
      'symptom',
      'workout',
      'fitness',
      'sleep',
      'therapy',
      'vaccine',
      'clinic',
    ],
  },
  learning: {
    keywords: [
      'course',
      'tutorial',
      'lecture',
      'paper',
      'book',
      'learn',
      'study',
      'exam',
      'research',
      'notes on',
      'chapter',
      'homework',
      'article',
    ],
    connectors: ['rss'],
  },
  personal: {
    keywords: [
      'family',
      'birthday',
      'dinner',
      'weekend',
      'friend',
      'kids',
      'wedding',
      'holiday',
      'mom',
      'dad',
      'party',
      'gift',
      'home',
    ],
  },
};

const CONNECTOR_WEIGHT = 1.5;

export interface DomainInput {
  title: string | null;
  content: string;
  container: string | null;
  tags: string[];
}

export interface DomainClassifier {
  classify(item: DomainInput, connector?: string): string | null;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Compiles the taxonomy once (one regex per domain); classification reads at most the first 20 000 characters. */
/**
 * Compiles the taxonomy once into ONE regex over every keyword (a single pass over the text, whatever the number of
 * domains); classification reads at most the first 20 000 characters. Word edges are Unicode-aware.
 */
export function createDomainClassifier(taxonomy: DomainTaxonomy = DEFAULT_DOMAINS): DomainClassifier {
  const rules = Object.entries(taxonomy).map(([name, rule]) => ({ name, connectors: new Set(rule.connectors ?? []) }));
  // keyword → indexes of the domains that list it (a keyword may serve several).
  const owners = new Map<string, number[]>();
  rules.forEach((_, i) => {
    for (const k of Object.values(taxonomy)[i]!.keywords) {
      const key = k.toLowerCase();
      // An empty keyword would match everywhere (and stall the exec loop below).
      if (key) owners.set(key, [...(owners.get(key) ?? []), i]);
    }
  });
  // Longest first, so "pull request" wins over "pull" where both are keywords.
  const keywords = [...owners.keys()].sort((a, b) => b.length - a.length);
  const pattern = keywords.length
    ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${keywords.map(escape).join('|')})(?![\\p{L}\\p{N}])`, 'gu')
    : null;
  return {
    classify(item, connector) {
      const scores = rules.map((rule) => (connector && rule.connectors.has(connector) ? CONNECTOR_WEIGHT : 0));
      const hits = rules.map(() => 0);
      if (pattern) {
        const text = [item.title ?? '', item.container ?? '', item.tags.join(' '), item.content.slice(0, 20_000)]
          .join('\n')
          .toLowerCase();
        // An exec loop, not matchAll: matchAll clones the (large) regex and allocates an iterator per item.
        pattern.lastIndex = 0;
        for (let m = pattern.exec(text); m; m = pattern.exec(text)) for (const i of owners.get(m[0])!) hits[i]!++;
      }
      let best: string | null = null;
      let bestScore = 0;
      rules.forEach((rule, i) => {
        // A tag naming the domain is decisive evidence; keyword hits count up to 10.
        const score = scores[i]! + (item.tags.includes(rule.name) ? 5 : 0) + Math.min(10, hits[i]!);
        if (score > bestScore) {
          best = rule.name;
          bestScore = score;
        }
      });
      return best;
    },
  };
}
