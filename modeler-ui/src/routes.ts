import type { RouteDef } from './router';

/** Screens and who may open them; the API enforces the same rules on every request. */
export const routes: RouteDef[] = [
  {
    name: 'tasks',
    path: '/tasks',
    title: '待办任务',
    icon: 'List',
    menu: true,
    roles: [],
    component: () => import('./views/TasklistView.vue'),
  },
  {
    name: 'dashboard',
    path: '/dashboard',
    title: '项目总览',
    icon: 'DataAnalysis',
    menu: true,
    roles: ['manager', 'admin', 'auditor', 'process-owner', 'staff'],
    component: () => import('./views/DashboardView.vue'),
  },
  {
    name: 'live',
    path: '/live',
    title: '流程实况',
    icon: 'Monitor',
    menu: true,
    roles: ['manager', 'admin', 'auditor', 'process-owner'],
    component: () => import('./views/LiveView.vue'),
  },
  {
    name: 'apply',
    path: '/apply',
    title: '新建项目申报',
    roles: ['staff', 'manager'],
    component: () => import('./views/ApplyView.vue'),
  },
  {
    name: 'project',
    path: '/projects/:id',
    title: '项目详情',
    roles: [],
    component: () => import('./views/ProjectView.vue'),
  },
  {
    name: 'modeler',
    path: '/modeler',
    title: '流程建模',
    icon: 'Share',
    menu: true,
    roles: ['process-owner', 'admin'],
    component: () => import('./views/ModelerView.vue'),
  },
  {
    name: 'operations',
    path: '/operations',
    title: '运维管理',
    icon: 'Setting',
    menu: true,
    roles: ['admin'],
    component: () => import('./views/OperationsView.vue'),
  },
];
