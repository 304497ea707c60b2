import { z } from 'zod';

/** The SPEC's fixed list of specialty slugs, shared by cases, verification and the CLI. */
export const SPECIALTIES = [
  'anesthesiology',
  'cardiology',
  'dermatology',
  'emergency-medicine',
  'endocrinology',
  'family-medicine',
  'gastroenterology',
  'general-surgery',
  'geriatrics',
  'hematology-oncology',
  'infectious-disease',
  'internal-medicine',
  'nephrology',
  'neurology',
  'obstetrics-gynecology',
  'ophthalmology',
  'orthopedics',
  'otolaryngology',
  'pathology',
  'pediatrics',
  'psychiatry',
  'pulmonology-critical-care',
  'radiology',
  'rheumatology',
  'urology',
  'other',
] as const;

export type Specialty = (typeof SPECIALTIES)[number];

export const specialtySchema = z.enum(SPECIALTIES);

export function isSpecialty(value: string): value is Specialty {
  return (SPECIALTIES as readonly string[]).includes(value);
}
