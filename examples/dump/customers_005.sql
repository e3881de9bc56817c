-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
--
-- Host: 10.12.0.7    Database: crm
-- ------------------------------------------------------
/*!40101 SET NAMES utf8mb4 */;

DROP TABLE IF EXISTS `t_customer`;
CREATE TABLE `t_customer` (
  `name` varchar(255) DEFAULT NULL,
  `gender` varchar(255) DEFAULT NULL,
  `idcard` varchar(255) DEFAULT NULL,
  `mobile` varchar(255) DEFAULT NULL,
  `landline` varchar(255) DEFAULT NULL,
  `email` varchar(255) DEFAULT NULL,
  `address` varchar(255) DEFAULT NULL,
  `qq` varchar(255) DEFAULT NULL,
  `wechat` varchar(255) DEFAULT NULL,
  `ip` varchar(255) DEFAULT NULL,
  `created_at` varchar(255) DEFAULT NULL,
  KEY `idx_1` (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

LOCK TABLES `t_customer` WRITE;
INSERT INTO `t_customer` (`name`,`gender`,`idcard`,`mobile`,`landline`,`email`,`address`,`qq`,`wechat`,`ip`,`created_at`) VALUES ('白萍','男','430624194103125677','19149175592','0953-6442933','haoguo9@126.com','山东省潍坊市寒亭区黄河路331号御景苑24栋6单元187室',415226,'wxid_k6zia39bi11309','210.193.249.139','2023-09-13 07:21:28'),('李建华','女','451221200207181069','18822470540',NULL,'yuchen231@qq.com','四川省绵阳市三台县文化路170号阳光花园1栋6单元1171室',70335456,NULL,'112.166.220.163','2024-10-12 18:09:17'),('黄子涵','男','140404199412181493','17404673790','(0837)8116313',NULL,'湖北省恩施土家族苗族自治州来凤县光明路66号世纪新城13栋4单元963室',700396472,'qing-jun262','116.43.23.125','2022-04-03 18:08:25'),('谢欣怡','男','53262420021013541X','19558882526','028-37652691','qingxin647@outlook.com','内蒙古自治区呼伦贝尔市陈巴尔虎旗朝阳路656号阳光花园6栋2单元661室',5915914668,NULL,'202.194.88.34','2022-03-08 14:00:44'),('王丽','男','130828194003225676','147-7475-9389',NULL,'ming_tao234@foxmail.com','辽宁省丹东市宽甸满族自治县和平路385号',9881455756,'zhu_zhu165','118.166.194.108','2024-06-07 23:28:15'),('鲜于俊杰','男','540426195902041877','19130236603',NULL,'zhang.xu524@sohu.com','江西省宜春市铜鼓县科技路677号',680311,'ming-lei858','59.4.67.42','2023-07-21 11:25:22');
UNLOCK TABLES;

-- Dump completed on 2024-06-30 23:59:59
