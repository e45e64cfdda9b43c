import { describe, expect, it } from 'vitest';
import { namesSensitiveService } from '../../../domain/sensitive-services.js';

describe('recognising a sensitive service by its name', () => {
  it('knows the names sexual health, mental health and substance misuse services go by', () => {
    for (const name of [
      'Sexual health service',
      'Sexual-Health Wirral',
      'GUM clinic',
      'Genitourinary medicine',
      'Contraception and sexual health (CaSH)',
      'Child and adolescent mental health service',
      'CAMHS',
      'Tier 3 camhs',
      'Adolescent psychiatric unit',
      "Young people's substance misuse service",
      'Drug and alcohol team',
      'Drugs education worker',
    ]) {
      expect(namesSensitiveService(name), name).toBe(true);
    }
  });

  it('leaves ordinary services alone, even with a sensitive word inside another', () => {
    for (const name of [
      'Health visiting',
      'School nursing',
      "Children's social care",
      'Early help and family support',
      'Youth offending team',
      'Educational psychology',
      'Speech and language therapy',
      'Leaving care service',
      'Drugstore outreach',
    ]) {
      expect(namesSensitiveService(name), name).toBe(false);
    }
  });
});
