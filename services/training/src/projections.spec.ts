import { loadProjections, parseArgs } from '../../../libs/read-models/src/cli/rebuild';

describe("training's projections for the rebuild CLI", () => {
  it('are found where the CLI looks for a service’s projections (npm run rebuild -- --service training)', async () => {
    const found = await loadProjections(parseArgs(['--service', 'training']));
    expect(found.map((p) => p.projection.name).sort()).toEqual(['training-competitions', 'training-courses', 'training-mentors']);
    expect(found.every((p) => p.schemas !== undefined)).toBe(true);
  });
});
