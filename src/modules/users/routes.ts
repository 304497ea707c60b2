import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParams } from '../../domain/ids.js';
import { ForbiddenError } from '../../errors.js';
import { requireViewer, viewerOf } from '../../plugins/session.js';
import { auditContextOf } from '../audit/service.js';
import { canChangeRoles } from '../auth/policy.js';
import { adminUserResponse, presentAdminUser, roleBody } from './schemas.js';

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
      schema: { params: idParams, body: roleBody, response: { 200: adminUserResponse } },
    },
    async (request) => {
      const user = await app.services.users.changeRole({
        adminId: viewerOf(request).userId,
        targetId: request.params.id,
        role: request.body.role,
        audit: auditContextOf(request),
      });
      return { user: presentAdminUser(user) };
    },
  );
};
