import { useQuery } from '@tanstack/react-query';
import { ApiError } from '../api/api-error';
import { listRecords, type RecordData } from '../api/records.api';
import { requestFields } from '../list/columns';
import { useMeta } from '../metadata/use-metadata';

/**
 * One record with every field the user may read, lookups as { id, name }: read through the list
 * endpoint (filter by id) because it joins the lookups' names in the same statement.
 */
export function useRecord(object: string, id: string | undefined) {
  const meta = useMeta();
  const fields = requestFields(
    meta,
    object,
    (meta.object(object)?.fields ?? []).map((f) => f.apiName),
  );
  return useQuery({
    queryKey: ['records', object, 'one', id, fields],
    queryFn: async ({ signal }): Promise<RecordData> => {
      const page = await listRecords(object, { filter: { id: { eq: id } }, fields, limit: 1 }, signal);
      const record = page.data[0];
      if (!record) throw new ApiError(404, 'Not found', `no ${object} ${id}`);
      return record;
    },
    enabled: !!id,
  });
}
