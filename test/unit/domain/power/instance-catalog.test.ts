import { acceleratedFamilies, catalogInstanceTypes, lookupAccelerator, lookupInstance } from '../../../../shared/domain/power/instance-catalog';

describe('instance catalog', () => {
  it('finds an instance by its EC2 name and by its SageMaker ml.* name', () => {
    const ec2 = lookupInstance('p4d.24xlarge');
    const sm = lookupInstance('ml.p4d.24xlarge');
    expect(ec2?.accelerator.model).toBe('A100');
    expect(ec2?.acceleratorCount).toBe(8);
    expect(sm).toEqual(ec2);
  });

  it('returns undefined for unknown or non-accelerated types', () => {
    expect(lookupInstance('m5.large')).toBeUndefined();
    expect(lookupInstance('ml.p99.huge')).toBeUndefined();
    expect(lookupInstance('')).toBeUndefined();
  });

  it.each(['p3', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'p6-b200', 'g4dn', 'g5', 'g6', 'g6e', 'inf1', 'inf2', 'trn1', 'trn1n', 'trn2'])(
    'covers the required family %s',
    (family) => {
      expect(acceleratedFamilies()).toContain(family);
      expect(catalogInstanceTypes().some((t) => t.startsWith(`${family}.`))).toBe(true);
    },
  );

  it.each([
    ['p5.48xlarge', 'H100', 8],
    ['p5.4xlarge', 'H100', 1],
    ['p5en.48xlarge', 'H200', 8],
    ['p6-b200.48xlarge', 'B200', 8],
    ['g5.12xlarge', 'A10G', 4],
    ['g4dn.metal', 'T4', 8],
    ['g6e.48xlarge', 'L40S', 8],
    ['inf2.48xlarge', 'Inferentia2', 12],
    ['trn1n.32xlarge', 'Trainium1', 16],
  ])('knows %s carries %s ×%d (AWS instance type pages)', (type, model, count) => {
    const s = lookupInstance(type);
    expect(s?.accelerator.model).toBe(model);
    expect(s?.acceleratorCount).toBe(count);
  });

  it('gives every entry sources, positive sizes and idle < max for accelerator and host', () => {
    for (const t of catalogInstanceTypes()) {
      const s = lookupInstance(t)!;
      expect(s.sources.length).toBeGreaterThan(0);
      expect(s.accelerator.source).not.toBe('');
      expect(s.accelerator.idleW).toBeGreaterThan(0);
      expect(s.accelerator.idleW).toBeLessThan(s.accelerator.maxW);
      expect(s.hostIdleW).toBeGreaterThan(0);
      expect(s.hostIdleW).toBeLessThan(s.hostMaxW);
      expect(s.vcpus).toBeGreaterThan(0);
      expect(s.memoryGiB).toBeGreaterThan(0);
      expect(s.acceleratorCount).toBeGreaterThan(0);
    }
  });

  it('looks accelerators up case- and punctuation-insensitively', () => {
    expect(lookupAccelerator('h100')?.maxW).toBe(700); // NVIDIA H100 SXM5 datasheet
    expect(lookupAccelerator('titanx')?.model).toBe('Titan X');
    expect(lookupAccelerator('Titan-X')?.model).toBe('Titan X');
    expect(lookupAccelerator('NVIDIA A10G')?.model).toBe('A10G');
    expect(lookupAccelerator('nope')).toBeUndefined();
  });

  it('returns copies, so callers cannot corrupt the catalog', () => {
    const s = lookupInstance('p5.48xlarge')!;
    s.accelerator.maxW = 1;
    s.sources.push('x');
    expect(lookupInstance('p5.48xlarge')!.accelerator.maxW).toBe(700);
  });
});
