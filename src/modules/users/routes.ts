import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ForbiddenError } from '../../errors.js';
import { requireViewer, viewerOf } from '../../plugins/session.js';
import { auditContextOf } from '../audit/service.js';
import { canChangeRoles } from '../auth/policy.js';
import { changeRole } from './roles.js';
import { adminUserResponse, presentAdminUser, roleBody, roleParams } from './schemas.js';

export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/api/admin/users/:id/role',
    {
      preHandler: [
        requireViewer,
        async (request) => {
          if (!canChangeRoles(request.viewer)) throw new ForbiddenError('admins only');
        },
      ],
      schema: { params: roleParams, body: roleBody, response: { 200: adminUserResponse } },
    },
    async (request) => {
      const deps = { db: app.deps.database.db, now: () => app.deps.clock.now() };
      const user = await changeRole(deps, viewerOf(request).userId, request.params.id, request.body.role, auditContextOf(request));
      return { user: presentAdminUser(user) };
    },
  );
};
